import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite.store.ts';
import { runCli, tempDir } from '../helpers/cli.ts';
import { utcDate } from '../helpers/config-folder.ts';

function kpi(id: string, file: string, value: string, filter = ''): string {
  return `  - id: ${id}
    name: ${id}
    category: Sales
    interval: day
    timezone: UTC
    source:
      connection: exports
      query:
        file: ${file}
        date: { column: date }
        value: ${value}
${filter ? `        filter: [${filter}]\n` : ''}`;
}

describe('KPIs on one CSV file share one read', () => {
  it('run --once reads the file once for all of them, each with its own value, even with concurrency 1', async () => {
    const dir = tempDir('kpi-sync-shared-');
    const rows = ['date,region,amount', `${utcDate(0)},north,100`, `${utcDate(0)},south,250`, `${utcDate(0)},north,50`, `${utcDate(3)},north,999`];
    writeFileSync(path.join(dir, 'sales.csv'), `${rows.join('\n')}\n`);
    writeFileSync(path.join(dir, 'other.csv'), `date,amount\n${utcDate(0)},7\n`);
    writeFileSync(
      path.join(dir, 'main.yaml'),
      `settings: { concurrency: 1 }
connections:
  - { id: exports, type: csv, path: . }
kpis:
${kpi('total', 'sales.csv', '{ column: amount, aggregate: sum }')}${kpi('north', 'sales.csv', '{ column: amount, aggregate: sum }', '{ column: region, equals: north }')}${kpi('orders', 'sales.csv', '{ aggregate: count_rows }')}${kpi('other', 'other.csv', '{ column: amount, aggregate: sum }')}`,
    );
    const db = path.join(tempDir('kpi-sync-shared-db-'), 'kpi.db');
    const result = await runCli(['run', '--once', '--config', dir, '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    const store = await openSqliteStore(db);
    try {
      const value = async (id: string) => (await store.latestDatapoint(id))?.value;
      expect([await value('total'), await value('north'), await value('orders'), await value('other')]).toEqual([400, 150, 3, 7]);
      const counters = async (id: string) => (await store.listRuns({ kpi: id, limit: 1 }))[0]!.counters;
      for (const id of ['total', 'north', 'orders']) expect(await counters(id)).toMatchObject({ kpisInScan: 3, rowsRead: 4 });
      expect((await counters('other'))!.kpisInScan).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
