import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { writeTestConfig } from '../helpers/config-folder.ts';

describe('kpi-sync check', () => {
  it('says ok per connection, or exactly what is wrong, and exits 1 when any fails', async () => {
    const { dir, db } = writeTestConfig();
    writeFileSync(
      path.join(dir, 'more.yaml'),
      `connections:
  - id: missing
    type: csv
    path: ./nowhere.csv
`,
    );
    const all = await runCli(['check', '--config', dir, '--db', db]);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/✔ local \(csv\): .*date, region, amount/);
    expect(all.stdout).toMatch(/✘ missing \(csv\): KS_ERR_SOURCE_READ .*nowhere\.csv/);

    const one = await runCli(['check', 'local', '--config', dir, '--db', db]);
    expect(one.code).toBe(0);
    expect(one.stdout).not.toMatch(/missing/);

    const unknown = await runCli(['check', 'nope', '--config', dir, '--db', db]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown connection "nope"; known: local, missing/);
  });
});
