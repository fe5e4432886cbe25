import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.ts';
import { writeTestConfig } from '../helpers/config-folder.ts';

/** A user's mistake is a usage error (KS_ERR_USAGE) that names it; KS_ERR_INTERNAL is for bugs only. */
describe('usage errors', () => {
  const { dir } = writeTestConfig();
  const db = path.join(tempDir(), 'usage.db');
  const cases: [string[], RegExp][] = [
    [['run', '--once', '--kpi', 'sales_todya'], /KS_ERR_USAGE: unknown KPI "sales_todya"; did you mean "sales_today"\?/],
    [['run', '--once', '--kpi', 'nope'], /KS_ERR_USAGE: unknown KPI "nope"; known: sales_today, north_today/],
    [['check', 'locl'], /KS_ERR_USAGE: unknown connection "locl"; did you mean "local"\?/],
    [['alerts', 'retry', '123'], /KS_ERR_USAGE: no alert "123"; `kpi-sync alerts` lists them/],
    [['pushes', 'approve', 'abc'], /KS_ERR_USAGE: no KR push "abc"; `kpi-sync pushes` lists them/],
    [['backfill', '--kpi', 'sales'], /KS_ERR_USAGE: unknown KPI "sales"/],
    [['backfill', '--kpi', 'sales_today', '--from', 'yesterday'], /KS_ERR_USAGE: --from: not a date: "yesterday" \(expected YYYY-MM-DD\)/],
    [['alerts', '-n', 'lots'], /KS_ERR_USAGE: --limit must be a whole number from 1 to 10000; got "lots"/],
    [['plan', '--kpi', 'north'], /KS_ERR_USAGE: unknown KPI "north"/],
    [['history', '--kpi', 'sales_todya'], /KS_ERR_USAGE: unknown KPI "sales_todya"; did you mean "sales_today"\?/],
    [['history', '--kpi', 'sales_today', '--from', '2026-02-30'], /KS_ERR_USAGE: --from: not a date or ISO instant: "2026-02-30"/],
    [['history', '--kpi', 'sales_today', '--from', '2026-03-01', '--to', '2026-01-31'], /KS_ERR_USAGE: --from: 2026-03-01 is after --to: 2026-01-31/],
    [['status', '--output', 'jsno'], /KS_ERR_USAGE: --output must be one of table, json; got "jsno"; did you mean "json"\?/],
    [['alerts', '-o', 'csv'], /KS_ERR_USAGE: --output must be one of table, json; got "csv"/],
  ];

  it.each(cases)('kpi-sync %j', async (args, expected) => {
    const result = await runCli([...args, '--config', dir, '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(expected);
    expect(result.stderr).not.toContain('KS_ERR_INTERNAL');
  });
});
