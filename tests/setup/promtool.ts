import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * promtool, Prometheus's rule checker, for the tests of deploy/prometheus. Debian's
 * `prometheus` package ships it. When it is missing and we are root, the package is
 * installed once; parallel test workers wait on a lock file instead of running
 * apt-get side by side (the pattern of tests/setup/redis-server.ts).
 */

const INSTALL_HINT = 'promtool not found: run `apt-get install -y prometheus` (Debian ships promtool in it) or put promtool on PATH';
const LOCK = join(tmpdir(), 'kpi-sync-prometheus-install.lock');

/** The path of promtool, installing Debian's prometheus package first when needed and allowed. */
export async function ensurePromtool(): Promise<string> {
  const found = findOnPath('promtool');
  if (found) return found;
  if (process.getuid?.() !== 0) throw new Error(INSTALL_HINT);
  const deadline = Date.now() + 10 * 60_000;
  while (Date.now() < deadline) {
    if (takeLock()) {
      try {
        const path = findOnPath('promtool') ?? install();
        if (path) return path;
        throw new Error(INSTALL_HINT);
      } finally {
        unlinkSync(LOCK);
      }
    }
    // Waiting for another worker's install: polling a lock, not proving anything by sleeping.
    await sleep(500);
    const installed = findOnPath('promtool');
    if (installed) return installed;
  }
  throw new Error(`${INSTALL_HINT} (timed out waiting for another worker's install, lock ${LOCK})`);
}

function findOnPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/bin', '/usr/sbin', '/usr/local/bin']);
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** Creates the lock file with our pid; takes over a lock whose owner is gone. */
function takeLock(): boolean {
  try {
    writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    let owner = Number.NaN;
    try {
      owner = Number(readFileSync(LOCK, 'utf8'));
    } catch {
      return false;
    }
    if (Number.isInteger(owner) && owner > 0 && !alive(owner)) {
      rmSync(LOCK, { force: true });
      return takeLock();
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

function install(): string | undefined {
  // No service is started in a container without an init; the package's binaries are all we need.
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Another apt-get (a second test run, a provisioning script) may hold dpkg's lock: wait for it.
  const wait = ['-o', 'DPkg::Lock::Timeout=300'];
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'prometheus']]) {
    const result = spawnSync('apt-get', [...wait, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (result.status !== 0) {
      const tail = `${result.stderr ?? ''}${result.error?.message ?? ''}`.trim().split('\n').slice(-3).join(' | ');
      throw new Error(`${INSTALL_HINT} (apt-get ${args.join(' ')} failed: ${tail})`);
    }
  }
  return findOnPath('promtool');
}
