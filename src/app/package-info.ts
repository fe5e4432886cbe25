import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where kpi-sync itself is installed, found by walking up from this module to the
 * package.json named kpi-sync: the same in a git checkout (src/app/) and in an
 * installed package (dist/src/app/), where a relative path would differ.
 */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'kpi-sync') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('kpi-sync cannot find its own package.json');
    dir = parent;
  }
}

export const PACKAGE_ROOT = findRoot();

export const PACKAGE_VERSION = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The example config shipped with kpi-sync (config/examples in a checkout and in the package). */
export const EXAMPLES_DIR = path.join(PACKAGE_ROOT, 'config', 'examples');
