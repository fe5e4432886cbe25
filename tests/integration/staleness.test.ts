import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfigFolder } from '../../src/app/app-config.ts';
import type { HealthRecord } from '../../src/domain/types.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite.store.ts';
import type { Store, SyncRun } from '../../src/store/store.ts';
import { checkStaleness } from '../../src/sync/staleness.ts';
import { tempDir } from '../helpers/cli.ts';
import { writeTestConfig } from '../helpers/config-folder.ts';

/** checkStaleness on a real SQLite store: `sales_today` (daily) is stale after 2 days without a successful sync. */
const NOW = new Date('2026-11-23T12:00:00.000Z');
const HOUR = 3_600_000;
const ago = (hours: number) => new Date(NOW.getTime() - hours * HOUR).toISOString();
const quiet = pino({ enabled: false });

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function setup(health?: HealthRecord, runs: Array<Pick<SyncRun, 'status' | 'startedAt'>> = []) {
  const { dir } = writeTestConfig();
  const catalog = await loadConfigFolder(dir);
  store = await openSqliteStore(path.join(tempDir(), 'staleness.db'));
  if (health) await store.commitSync({ kpi: 'sales_today', health: { record: health } });
  for (const run of runs) {
    await store.saveRun({ id: randomUUID(), kpi: 'sales_today', source: 'local', mode: 'current', finishedAt: run.startedAt, ...run });
  }
  return { catalog, store };
}

const okSince = (checkedAt?: string): HealthRecord => ({
  state: 'ok',
  since: ago(24 * 10),
  lastPeriod: '2026-11-20T00:00:00.000Z',
  lastValue: 100,
  ...(checkedAt ? { checkedAt } : {}),
});

describe('checkStaleness', () => {
  it('leaves a KPI whose health was checked within the window alone, without reading its run history', async () => {
    const { catalog, store } = await setup(okSince(ago(24)), [{ status: 'failed', startedAt: ago(1) }]);
    const listRuns = vi.spyOn(store, 'listRuns');
    expect(await checkStaleness(catalog, store, quiet, NOW)).toEqual([]);
    expect(listRuns).not.toHaveBeenCalledWith(expect.objectContaining({ kpi: 'sales_today' }));
    expect((await store.getHealth('sales_today'))?.state).toBe('ok');
  });

  it('counts a recent ok run that evaluated nothing as a success', async () => {
    const { catalog, store } = await setup(okSince(ago(24 * 5)), [{ status: 'ok', startedAt: ago(12) }]);
    expect(await checkStaleness(catalog, store, quiet, NOW)).toEqual([]);
    expect((await store.getHealth('sales_today'))?.state).toBe('ok');
  });

  it('turns a KPI with only failures for longer than the window into no_data, however many failures there were', async () => {
    const failures = Array.from({ length: 150 }, (_, i) => ({ status: 'failed' as const, startedAt: ago(i * 0.25) }));
    const { catalog, store } = await setup(okSince(ago(24 * 3)), failures);
    const transitions = await checkStaleness(catalog, store, quiet, NOW);
    expect(transitions).toMatchObject([{ kpi: 'sales_today', from: 'ok', to: 'no_data' }]);
    expect((await store.getHealth('sales_today'))?.state).toBe('no_data');
    // Already no_data: a second check changes nothing.
    expect(await checkStaleness(catalog, store, quiet, NOW)).toEqual([]);
  });

  it('does not judge a KPI that has never been evaluated', async () => {
    const { catalog, store } = await setup(undefined, [{ status: 'failed', startedAt: ago(24 * 30) }]);
    expect(await checkStaleness(catalog, store, quiet, NOW)).toEqual([]);
    expect(await store.getHealth('sales_today')).toBeUndefined();
  });
});
