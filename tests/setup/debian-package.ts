import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A program the tests run that a Debian package provides (redis-server, postgres, promtool, …). */
export interface DebianTool<T> {
  /** The package that provides it, as apt-get names it. */
  package: string;
  /** The one line a person who is not root reads: what to install or put on PATH. */
  hint: string;
  /** Where it is now, or undefined when it is missing. */
  find(): T | undefined;
  /** Install the packages it recommends too (Chromium's fonts); servers need none. */
  withRecommends?: boolean;
}

const INSTALL_DEADLINE_MS = 10 * 60_000;

/**
 * The tool, installing its Debian package once when it is missing and we are root.
 * Parallel test workers (and a second test run) share a lock file per package: one
 * runs apt-get, the others poll until the tool appears. Not root: fails with the
 * tool's one-line hint.
 */
export async function ensureDebianTool<T>(tool: DebianTool<T>): Promise<T> {
  const found = tool.find();
  if (found) return found;
  if (process.getuid?.() !== 0) throw new Error(tool.hint);
  const lock = join(tmpdir(), `kpi-sync-${tool.package}-install.lock`);
  const deadline = Date.now() + INSTALL_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (takeLock(lock)) {
      try {
        if (!tool.find()) aptInstall(tool);
        const installed = tool.find();
        if (installed) return installed;
        throw new Error(tool.hint);
      } finally {
        unlinkSync(lock);
      }
    }
    // Waiting for another worker's install: polling a lock, not proving anything by sleeping.
    await sleep(500);
    const installed = tool.find();
    if (installed) return installed;
  }
  throw new Error(`${tool.hint} (timed out waiting for another worker's install, lock ${lock})`);
}

/** The first of `names` that is an executable on PATH or in the usual system folders. */
export function findOnPath(...names: string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'].filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      if (executable(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

export function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function aptInstall(tool: DebianTool<unknown>): void {
  // No service is started in a container without an init; the package's binaries are all the tests use.
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Another apt-get (a second test run, a provisioning script) may hold dpkg's lock: wait for it.
  const wait = ['-o', 'DPkg::Lock::Timeout=300'];
  const install = ['install', '-y', ...(tool.withRecommends ? [] : ['--no-install-recommends']), tool.package];
  for (const args of [['update'], install]) {
    const result = spawnSync('apt-get', [...wait, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) {
      const tail = `${result.stderr ?? ''}${result.error?.message ?? ''}`.trim().split('\n').slice(-3).join(' | ');
      throw new Error(`${tool.hint} (apt-get ${args.join(' ')} failed: ${tail})`);
    }
  }
}

/** Creates the lock file with our pid; takes over a lock whose owner is gone. */
function takeLock(lock: string): boolean {
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    let owner = Number.NaN;
    try {
      owner = Number(readFileSync(lock, 'utf8'));
    } catch {
      return false;
    }
    if (Number.isInteger(owner) && owner > 0 && !alive(owner)) {
      rmSync(lock, { force: true });
      return takeLock(lock);
    }
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
