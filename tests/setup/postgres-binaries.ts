import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Finding (and on a fresh Debian machine, installing) the PostgreSQL server binaries for tests/setup/postgres-server.ts. */

const INSTALL_HINT = 'PostgreSQL server not found (initdb, postgres): run `apt-get install -y postgresql` (Debian) or put its bin folder on PATH';
const LOCK = join(tmpdir(), 'kpi-sync-postgres-install.lock');

/** The folder holding initdb and postgres; installs Debian's package once when missing and we are root. */
export async function ensurePostgresBinaries(): Promise<string> {
  const found = findBinDir();
  if (found) return found;
  if (process.getuid?.() !== 0) throw new Error(INSTALL_HINT);
  const deadline = Date.now() + 10 * 60_000;
  while (Date.now() < deadline) {
    if (takeLock()) {
      try {
        install();
        const installed = findBinDir();
        if (installed) return installed;
        throw new Error(INSTALL_HINT);
      } finally {
        unlinkSync(LOCK);
      }
    }
    await sleep(500);
    const installed = findBinDir();
    if (installed) return installed;
  }
  throw new Error(`${INSTALL_HINT} (timed out waiting for another worker's install, lock ${LOCK})`);
}

function findBinDir(): string | undefined {
  const versions = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))
    : [];
  const dirs = ['/usr/lib/postgresql/15/bin', ...versions.map((v) => `/usr/lib/postgresql/${v}/bin`), ...(process.env.PATH ?? '').split(delimiter)];
  return dirs.find((dir) => dir && executable(join(dir, 'initdb')) && executable(join(dir, 'postgres')));
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
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

function install(): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Another apt-get (a second test run, a provisioning script) may hold dpkg's lock: wait for it.
  const wait = ['-o', 'DPkg::Lock::Timeout=300'];
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'postgresql']]) {
    const result = spawnSync('apt-get', [...wait, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (result.status !== 0) {
      const tail = `${result.stderr ?? ''}${result.error?.message ?? ''}`.trim().split('\n').slice(-3).join(' | ');
      throw new Error(`${INSTALL_HINT} (apt-get ${args.join(' ')} failed: ${tail})`);
    }
  }
}
