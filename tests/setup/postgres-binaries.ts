import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ensureDebianTool, executable } from './debian-package.ts';

/** Finding (and on a fresh Debian machine, installing) the PostgreSQL server binaries for tests/setup/postgres-server.ts. */

const INSTALL_HINT = 'PostgreSQL server not found (initdb, postgres): run `apt-get install -y postgresql` (Debian) or put its bin folder on PATH';

/** The folder holding initdb and postgres; installs Debian's package once when missing and we are root. */
export async function ensurePostgresBinaries(): Promise<string> {
  return ensureDebianTool({ package: 'postgresql', hint: INSTALL_HINT, find: findBinDir });
}

function findBinDir(): string | undefined {
  const versions = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const dirs = ['/usr/lib/postgresql/15/bin', ...versions.map((v) => `/usr/lib/postgresql/${v}/bin`), ...(process.env.PATH ?? '').split(delimiter)];
  return dirs.find((dir) => dir && executable(join(dir, 'initdb')) && executable(join(dir, 'postgres')));
}
