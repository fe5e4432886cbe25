import { execFile } from 'node:child_process';
import { existsSync, openSync, closeSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** Where Debian's chromium package puts the browser; playwright-core is launched with it. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, and no traffic of Chromium's own (updates, sync, QUIC): the tests' pages talk to loopback only. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const LOCK = path.join(os.tmpdir(), 'kpi-sync-chromium-install.lock');
/** A lock older than this was left by a killed run, not by a worker still installing. */
const STALE_LOCK_MS = 15 * 60_000;
const INSTALL_TIMEOUT_MS = 10 * 60_000;
const HINT = 'Chromium is not installed: run `sudo apt-get install -y chromium` (Debian/Ubuntu) and run the tests again.';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Makes sure /usr/bin/chromium exists. As root it runs `apt-get update && apt-get
 * install -y chromium` once; a lock file keeps parallel test workers from running apt
 * twice (the others wait for the first). Not root: fails with the one line to run.
 */
export async function ensureChromium(): Promise<string> {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0) throw new Error(HINT);

  const deadline = Date.now() + INSTALL_TIMEOUT_MS;
  while (!existsSync(CHROMIUM_PATH)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for the chromium install. ${HINT}`);
    const lock = tryLock();
    if (lock === undefined) {
      await sleep(1_000);
      continue;
    }
    try {
      if (existsSync(CHROMIUM_PATH)) break;
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      await run('apt-get', ['update'], { env, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
      await run('apt-get', ['install', '-y', 'chromium'], { env, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      throw new Error(`apt-get install chromium failed (${(error as Error).message.split('\n')[0]}). ${HINT}`);
    } finally {
      closeSync(lock);
      rmSync(LOCK, { force: true });
    }
    if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get finished but ${CHROMIUM_PATH} is missing. ${HINT}`);
  }
  return CHROMIUM_PATH;
}

function tryLock(): number | undefined {
  try {
    return openSync(LOCK, 'wx');
  } catch {
    try {
      if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { force: true });
    } catch {
      // The holder removed it between our two calls; the next attempt takes it.
    }
    return undefined;
  }
}
