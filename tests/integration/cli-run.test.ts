import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { writeTestConfig } from '../helpers/config-folder.ts';

describe('kpi-sync run --once / status / validate', () => {
  it('syncs the current period, evaluates health, formulas and KR progress, and prints them', async () => {
    const { dir, db } = writeTestConfig();
    const result = await runCli(['run', '--once', '--config', dir, '--db', db, '--json']);
    expect(result.code).toBe(0);
    // Logs go to stderr as JSON; stdout is only the table.
    expect(result.stderr).toMatch(/"msg":"health no_data → warn"/);
    expect(result.stdout).not.toMatch(/"level"/);
    const out = result.stdout;
    expect(out).toMatch(/Sales today\s*│\s*\d{4}-\d{2}-\d{2} \(today\)\s*│\s*350\.5 USD/);
    expect(out).toMatch(/North sales today[^\n]*100 USD/);
    expect(out).toMatch(/North share[^\n]*0\.285/); // 100 / 350.5, rounded to 3 places
    expect(out).toMatch(/Sales today[^\n]*warn/); // 350.5 is under warnMin 500
    expect(out).toMatch(/ok, 1 rejected/); // the not-a-number row
    expect(out).toMatch(/Daily sales to 500[^\n]*350\.5 USD[^\n]*70%/);

    const status = await runCli(['status', '--config', dir, '--db', db]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/Sales today[^\n]*350\.5 USD[^\n]*warn/);
    expect(status.stdout).toMatch(/Grow sales[^\n]*Daily sales to 500[^\n]*70%/);
    // The row the sync could not use, with its line, without opening the run record.
    expect(status.stdout).toMatch(/Rejected rows in the latest run[\s\S]*Sales today[^\n]*1[^\n]*line 4: not a number in column "amount": "not-a-number"/);
  });

  it('re-running is idempotent: the same values, no duplicate datapoints', async () => {
    const { dir, db } = writeTestConfig();
    await runCli(['run', '--once', '--config', dir, '--db', db]);
    const second = await runCli(['run', '--once', '--config', dir, '--db', db, '--kpi', 'sales_today']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/350\.5 USD/);
    const { default: Database } = await import('better-sqlite3');
    const sqlite = new Database(db, { readonly: true });
    const rows = sqlite.prepare("select count(*) as n from datapoints where kpi = 'sales_today'").get() as { n: number };
    sqlite.close();
    expect(rows.n).toBe(1);
  });

  it('validate prints every problem of every file at once, with file and line, and exits 1', async () => {
    const { dir } = writeTestConfig();
    writeFileSync(
      path.join(dir, 'broken.yaml'),
      `kpis:
  - id: typo_kpi
    name: Typo
    category: Growth
    helth: { band: { max: 1 } }
    source: { connection: local, query: {} }
  - id: lost_kpi
    name: Lost
    category: Growth
    source: { connection: nowhere, query: {} }
  - id: bad_formula
    name: Bad formula
    category: Growth
    formula: sales_today / nope
`,
    );
    writeFileSync(path.join(dir, 'malformed.yaml'), 'kpis: [ { id: x\n');
    const result = await runCli(['validate', '--config', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/broken\.yaml:5:\d+ .*helth/);
    expect(result.stderr).toMatch(/broken\.yaml:\d+:\d+ .*nowhere/);
    expect(result.stderr).toMatch(/broken\.yaml:\d+:\d+ .*nope/);
    expect(result.stderr).toMatch(/malformed\.yaml:\d+/);
  });

  it('validate accepts the shipped example config', async () => {
    const result = await runCli(['validate', '--config', 'config/examples']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ok — \d+ file\(s\), 1 connection\(s\), 8 KPI\(s\), 2 objective\(s\) with 4 KR\(s\)/);
  });
});
