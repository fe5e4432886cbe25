import { existsSync } from 'node:fs';
import { ensureDebianTool } from './debian-package.ts';

/** Where Debian's chromium package puts the browser; playwright-core is launched with it. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, and no traffic of Chromium's own (updates, sync, QUIC): the tests' pages talk to loopback only. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const HINT = 'Chromium is not installed: run `sudo apt-get install -y chromium` (Debian/Ubuntu) and run the tests again.';

/** Makes sure /usr/bin/chromium exists, installing Debian's package once as root (see ensureDebianTool). */
export async function ensureChromium(): Promise<string> {
  return ensureDebianTool({ package: 'chromium', hint: HINT, withRecommends: true, find: () => (existsSync(CHROMIUM_PATH) ? CHROMIUM_PATH : undefined) });
}
