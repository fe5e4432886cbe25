import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { run } from './contract-data.ts';

/** Each KPI's last successful sync: what `kpi_last_success_timestamp_seconds` and the stale-KPI rule read. */
export function defineLastSuccessContract(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('last successful sync', () => {
    it('records the finishedAt of ok runs, whether committed with a sync or saved alone, and ignores the others', async () => {
      expect(await store.lastSuccessfulSyncs()).toEqual(new Map());
      await store.commitSync({ kpi: 'mrr', run: run('r1', 'mrr', '2024-03-01T00:00:00Z', { status: 'ok', finishedAt: '2024-03-01T00:00:05+01:00' }) });
      await store.saveRun(run('r2', 'churn', '2024-03-01T00:00:00Z', { status: 'ok', finishedAt: '2024-03-01T00:00:07Z' }));
      await store.saveRun(run('r3', 'mrr', '2024-03-02T00:00:00Z', { status: 'failed', finishedAt: '2024-03-02T00:00:01Z' }));
      await store.commitSync({ kpi: 'nps', run: run('r4', 'nps', '2024-03-02T00:00:00Z', { status: 'deferred', finishedAt: '2024-03-02T00:00:01Z' }) });
      await store.saveRun(run('r5', 'arr', '2024-03-02T00:00:00Z', { status: 'ok' })); // no finishedAt: nothing to tell
      expect(await store.lastSuccessfulSyncs()).toEqual(
        new Map([
          ['churn', '2024-03-01T00:00:07Z'],
          ['mrr', '2024-03-01T00:00:05+01:00'],
        ]),
      );
    });

    it('keeps the latest instant when runs arrive out of order, comparing instants, not text', async () => {
      await store.saveRun(run('late', 'mrr', '2024-03-01T10:00:00Z', { status: 'ok', finishedAt: '2024-03-01T11:00:00+01:00' })); // 10:00Z
      await store.saveRun(run('early', 'mrr', '2024-03-01T09:00:00Z', { status: 'ok', finishedAt: '2024-03-01T09:30:00Z' }));
      expect((await store.lastSuccessfulSyncs()).get('mrr')).toBe('2024-03-01T11:00:00+01:00');
      await store.commitSync({ kpi: 'mrr', run: run('later', 'mrr', '2024-03-01T10:30:00Z', { status: 'ok', finishedAt: '2024-03-01T10:00:01Z' }) });
      expect((await store.lastSuccessfulSyncs()).get('mrr')).toBe('2024-03-01T10:00:01Z');
    });

    it('outlives the run when retention deletes it, so a KPI that keeps failing still says when it last synced', async () => {
      await store.saveRun(run('ok', 'mrr', '2024-01-01T00:00:00Z', { status: 'ok', finishedAt: '2024-01-01T00:00:02Z' }));
      await store.saveRun(run('failed', 'mrr', '2024-02-20T00:00:00Z', { status: 'failed', finishedAt: '2024-02-20T00:00:02Z' }));
      const pruned = await store.pruneHistory({
        runsBefore: '2024-02-01T00:00:00Z',
        deliveredBefore: '2000-01-01T00:00:00Z',
        abandonedBefore: '2000-01-01T00:00:00Z',
        now: '2024-03-01T00:00:00Z',
      });
      expect(pruned.runsDeleted).toBe(1);
      expect((await store.listRuns({ kpi: 'mrr' })).map((r) => r.id)).toEqual(['failed']);
      expect((await store.lastSuccessfulSyncs()).get('mrr')).toBe('2024-01-01T00:00:02Z');
    });

    it('writes nothing when the commit carrying the ok run fails', async () => {
      const bad = {
        kpi: 'mrr',
        run: run('r', 'mrr', '2024-03-01T00:00:00Z', { status: 'ok' as const, finishedAt: '2024-03-01T00:00:01Z' }),
        notified: [{ route: 'x', at: 'not a date' }],
      };
      await expect(store.commitSync(bad)).rejects.toThrow();
      expect(await store.lastSuccessfulSyncs()).toEqual(new Map());
    });
  });
}
