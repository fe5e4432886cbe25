import { ensureDebianTool, findOnPath } from './debian-package.ts';

/**
 * promtool, Prometheus's rule checker, for the tests of deploy/prometheus. Debian's
 * `prometheus` package ships it. When it is missing and we are root, the package is
 * installed once; parallel test workers wait on a lock file instead of running
 * apt-get side by side (the pattern of tests/setup/redis-server.ts).
 */

const INSTALL_HINT = 'promtool not found: run `apt-get install -y prometheus` (Debian ships promtool in it) or put promtool on PATH';

/** The path of promtool, installing Debian's prometheus package first when needed and allowed. */
export async function ensurePromtool(): Promise<string> {
  return ensureDebianTool({ package: 'prometheus', hint: INSTALL_HINT, find: () => findOnPath('promtool') });
}
