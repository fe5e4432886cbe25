import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureDebianTool, findOnPath } from '../../setup/debian-package.ts';

const PACKAGE = `kpi-sync-test-package-${process.pid}`;
const LOCK = join(tmpdir(), `kpi-sync-${PACKAGE}-install.lock`);
afterEach(() => rmSync(LOCK, { force: true }));

describe('ensureDebianTool (the test setup that installs redis-server, postgres, promtool, …)', () => {
  it('returns a tool that is there without taking the lock', async () => {
    expect(await ensureDebianTool({ package: PACKAGE, hint: 'install it', find: () => '/usr/bin/thing' })).toBe('/usr/bin/thing');
    expect(existsSync(LOCK)).toBe(false);
  });

  it("waits for another worker's install instead of running apt-get beside it", async () => {
    // A live process (this one) holds the lock: another worker is installing.
    writeFileSync(LOCK, String(process.pid));
    let looks = 0;
    const found = await ensureDebianTool({ package: PACKAGE, hint: 'install it', find: () => (++looks >= 2 ? '/usr/bin/thing' : undefined) });
    expect(found).toBe('/usr/bin/thing');
    // Its lock is the other worker's to remove.
    expect(existsSync(LOCK)).toBe(true);
  });

  it('finds executables on PATH and in the system folders, first name first', () => {
    expect(findOnPath('no-such-program-kpi-sync', 'sh')).toMatch(/\/sh$/);
    expect(findOnPath('no-such-program-kpi-sync')).toBeUndefined();
  });
});
