import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite.store.ts';
import type { Store } from '../../src/store/store.ts';
import { runCli, tempDir } from '../helpers/cli.ts';
import { utcDate } from '../helpers/config-folder.ts';

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/**
 * A US-style export as finance tools write it: amounts over a thousand carry a ","
 * and are quoted. Read without `thousands: ","`, 133 of its 142 rows do not parse
 * and the 9 small ones would "sum" to a wrong total.
 */
function usExport(): { csv: string; small: number; total: number } {
  const lines = ['date,customer,amount'];
  let small = 0;
  let total = 0;
  for (let k = 0; k < 142; k++) {
    const cents = k < 9 ? 10_000 + k * 1_111 : 500_000 + k * 123_457;
    const amount = cents / 100;
    total += amount;
    if (k < 9) small += amount;
    const text = amount.toLocaleString('en-US', { minimumFractionDigits: 2 });
    lines.push(`${utcDate(0)},C${k},${text.includes(',') ? `"${text}"` : text}`);
  }
  return { csv: `${lines.join('\n')}\n`, small, total };
}

function writeConfig(options: { connectionQuality?: string; kpiQuality?: string; thousands?: boolean; file: string }): { dir: string; db: string } {
  const dir = tempDir('kpi-sync-quality-');
  writeFileSync(path.join(dir, 'sales.csv'), options.file);
  writeFileSync(
    path.join(dir, 'main.yaml'),
    `connections:
  - id: finance
    type: csv
    path: ./sales.csv
${options.thousands ? '    thousands: ","\n' : ''}${options.connectionQuality ? `    quality: ${options.connectionQuality}\n` : ''}kpis:
  - id: revenue
    name: Revenue
    category: Finance
    unit: USD
    interval: day
    timezone: UTC
    evaluate: current
    source:
      connection: finance
      query:
        date: { column: date }
        value: { column: amount, aggregate: sum }
${options.kpiQuality ? `    quality: ${options.kpiQuality}\n` : ''}alerts:
  destinations:
    - { name: ops, kind: webhook, url: "http://127.0.0.1:9/hooks", secret: "whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0c2VjcmV0" }
  routes:
    - { name: all, destinations: [ops], notify: [warn, critical] }
`,
  );
  return { dir, db: path.join(tempDir('kpi-sync-quality-db-'), 'kpi.db') };
}

async function storeAt(db: string): Promise<Store> {
  const store = await openSqliteStore(db);
  stores.push(store);
  return store;
}

describe('data quality gates', () => {
  it('refuses a US-style export read without thousands: stores nothing, fails with KS_ERR_QUALITY and the first lines, suggests the setting, alerts once per period', async () => {
    const { csv } = usExport();
    const { dir, db } = writeConfig({ file: csv });
    const first = await runCli(['run', '--once', '--config', dir, '--db', db]);
    expect(first.code).toBe(1);
    const failure = first.stderr
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((l) => l.code === 'KS_ERR_QUALITY');
    expect(failure.msg).toContain('133 of 142 rows rejected (93.7%; the limit is 5%)');
    expect(failure.msg).toContain('first rejected: line 11: not a number in column "amount"');
    expect(failure.msg).toContain('set decimal: "." and thousands: "," on the connection');

    // A second run of the same day is the same failure, not a second alert.
    expect((await runCli(['run', '--once', '--config', dir, '--db', db])).code).toBe(1);

    const store = await storeAt(db);
    expect(await store.listDatapoints('revenue')).toEqual([]);
    const runs = await store.listRuns({ kpi: 'revenue' });
    expect(runs.map((r) => [r.status, r.error?.code, r.rejected])).toEqual([
      ['failed', 'KS_ERR_QUALITY', 133],
      ['failed', 'KS_ERR_QUALITY', 133],
    ]);
    expect(runs[0]!.rejects![0]).toEqual({ where: 11, reason: expect.stringContaining('not a number') });
    const alerts = (await store.listOutbox({ channel: 'alert' })).map((e) => e.payload as { type: string; kpi: { id: string }; suggestion: string });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ type: 'quality.failed', kpi: { id: 'revenue' } });
    expect(alerts[0]!.suggestion).toContain('133 of 142 rows rejected');
  });

  it('with the setting the hint names, the same file syncs every row', async () => {
    const { csv, total } = usExport();
    const { dir, db } = writeConfig({ file: csv, thousands: true });
    expect((await runCli(['run', '--once', '--config', dir, '--db', db])).code).toBe(0);
    const [point] = await (await storeAt(db)).listDatapoints('revenue');
    expect(point!.value).toBeCloseTo(total, 2);
  });

  it('a KPI setting overrides the connection default, and minRows refuses a thin read', async () => {
    const rows = ['date,customer,amount', `${utcDate(0)},a,10`, `${utcDate(0)},b,oops`, `${utcDate(0)},c,30`, ''].join('\n');
    const lenient = writeConfig({ file: rows, connectionQuality: '{ maxRejectedPercent: 50 }' });
    expect((await runCli(['run', '--once', '--config', lenient.dir, '--db', lenient.db])).code).toBe(0);
    expect((await (await storeAt(lenient.db)).listDatapoints('revenue')).map((d) => d.value)).toEqual([40]);

    const strict = writeConfig({ file: rows, connectionQuality: '{ maxRejectedPercent: 50 }', kpiQuality: '{ maxRejectedPercent: 0 }' });
    const refused = await runCli(['run', '--once', '--config', strict.dir, '--db', strict.db]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('1 of 3 rows rejected (33.3%; the limit is 0%)');

    const thin = writeConfig({ file: rows, connectionQuality: '{ maxRejectedPercent: 50, minRows: 5 }' });
    const few = await runCli(['run', '--once', '--config', thin.dir, '--db', thin.db]);
    expect(few.code).toBe(1);
    expect(few.stderr).toContain('2 row(s) used, fewer than the minimum of 5');
    expect(await (await storeAt(thin.db)).listDatapoints('revenue')).toEqual([]);
  });

  it('validate names a bad quality setting with its file and path', async () => {
    const { dir } = writeConfig({ file: 'date,customer,amount\n', kpiQuality: '{ maxRejectedPercent: 150 }' });
    const result = await runCli(['validate', '--config', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr + result.stdout).toMatch(/main\.yaml.*kpis\[0\]\.quality\.maxRejectedPercent/s);
  });
});
