import { beforeEach, describe, expect, it } from 'vitest';
import type { Store, SyncRun } from '../../src/store/store.ts';
import type { KrProgress } from '../../src/domain/types.ts';
import { health, progress, run, transition } from './contract-data.ts';

/** Health, KR progress, sync run and connector cursor behaviour of the Store contract. */
export function defineRecordContract(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('health', () => {
    it('commits the record and its transition together, transitions in order', async () => {
      expect(await store.getHealth('churn')).toBeUndefined();
      expect(await store.listTransitions('churn')).toEqual([]);

      await store.commitSync({ kpi: 'churn', health: { record: health('ok', '2024-01-01T00:00:00Z') } });
      expect(await store.listTransitions('churn')).toEqual([]);

      const toWarn = transition('churn', 'ok', 'warn', '2024-02-01T00:00:00Z');
      const warn = health('warn', '2024-02-01T00:00:00Z', { lastValue: 4.2, lastPeriod: '2024-02-01T00:00:00+01:00' });
      await store.commitSync({ kpi: 'churn', health: { record: warn, transition: toWarn } });
      const toCritical = transition('churn', 'warn', 'critical', '2024-03-01T00:00:00Z');
      const critical = health('critical', '2024-03-01T00:00:00Z', { pendingState: 'ok', pendingCount: 1 });
      await store.commitSync({ kpi: 'churn', health: { record: critical, transition: toCritical } });

      expect(await store.getHealth('churn')).toEqual(critical);
      expect(await store.listTransitions('churn')).toEqual([toWarn, toCritical]);
      expect(await store.listTransitions('churn', 1)).toEqual([toCritical]);
    });

    it('keeps transitions in the order they were committed, whatever their timestamps', async () => {
      const late = transition('nps', 'ok', 'warn', '2024-02-01T00:00:00+01:00');
      const early = transition('nps', 'warn', 'ok', '2024-01-31T23:30:00Z');
      await store.commitSync({ kpi: 'nps', health: { record: health('warn', late.at), transition: late } });
      await store.commitSync({ kpi: 'nps', health: { record: health('ok', early.at), transition: early } });
      expect(await store.listTransitions('nps')).toEqual([late, early]);
    });

    it('keeps health per KPI', async () => {
      await store.commitSync({
        kpi: 'a',
        health: { record: health('ok', '2024-01-01T00:00:00Z'), transition: transition('a', 'no_data', 'ok', '2024-01-01T00:00:00Z') },
      });
      await store.commitSync({ kpi: 'ab', health: { record: health('critical', '2024-01-02T00:00:00Z') } });
      expect((await store.getHealth('a'))?.state).toBe('ok');
      expect((await store.getHealth('ab'))?.state).toBe('critical');
      expect(await store.listTransitions('ab')).toEqual([]);
    });

    it('rejects a transition of another KPI and commits nothing', async () => {
      await expect(
        store.commitSync({
          kpi: 'a',
          health: { record: health('warn', '2024-01-01T00:00:00Z'), transition: transition('b', 'ok', 'warn', '2024-01-01T00:00:00Z') },
        }),
      ).rejects.toThrow();
      expect(await store.getHealth('a')).toBeUndefined();
      expect(await store.listTransitions('a')).toEqual([]);
      expect(await store.listTransitions('b')).toEqual([]);
    });
  });

  describe('KR progress', () => {
    const record = async (p: KrProgress): Promise<boolean> => (await store.commitSync({ kpi: 'k', progress: [p] })).progressAppended === 1;

    it('appends only when value, progress or track changed', async () => {
      expect(await store.latestProgress('kr-1')).toBeUndefined();
      const first = progress('kr-1', 10, 0.1, 'on_track', '2024-01-01T00:00:00Z');
      expect(await record(first)).toBe(true);
      // Same value, progress and track: a later time or expectation is not a change.
      expect(await record({ ...first, at: '2024-01-02T00:00:00Z', expected: 0.2 })).toBe(false);

      const moved = progress('kr-1', 12, 0.12, 'on_track', '2024-01-03T00:00:00Z');
      const risk = { ...moved, track: 'at_risk' as const, at: '2024-01-04T00:00:00Z' };
      expect(await record(moved)).toBe(true);
      expect(await record(risk)).toBe(true);
      expect(await record(risk)).toBe(false);

      expect(await store.latestProgress('kr-1')).toEqual(risk);
      expect(await store.listProgress('kr-1')).toEqual([first, moved, risk]);
      expect(await store.listProgress('kr-1', 2)).toEqual([moved, risk]);
    });

    it('compares only with the latest record, so returning to an old value appends', async () => {
      const a = progress('kr-2', 1, 0.5, 'on_track', '2024-01-01T00:00:00Z');
      const b = progress('kr-2', 2, 1, 'achieved', '2024-01-02T00:00:00Z');
      const c = { ...a, at: '2024-01-03T00:00:00Z' };
      expect([await record(a), await record(b), await record(c)]).toEqual([true, true, true]);
      expect(await store.listProgress('kr-2')).toEqual([a, b, c]);
    });

    it('keeps progress per KR, several KRs in one commit', async () => {
      const result = await store.commitSync({
        kpi: 'k',
        progress: [progress('kr-a', 1, 0.1, 'on_track', '2024-01-01T00:00:00Z'), progress('kr-ab', 1, 0.1, 'on_track', '2024-01-01T00:00:00Z')],
      });
      expect(result.progressAppended).toBe(2);
      expect(await store.listProgress('kr-a')).toHaveLength(1);
      expect(await store.listProgress('kr-ab')).toHaveLength(1);
    });

    it('refuses a non-finite progress value and commits nothing', async () => {
      await expect(
        store.commitSync({
          kpi: 'k',
          health: { record: health('ok', '2024-01-01T00:00:00Z') },
          progress: [progress('kr-n', Number.NaN, 0.1, 'on_track', '2024-01-01T00:00:00Z')],
        }),
      ).rejects.toThrow(/kr-n/);
      expect(await store.getHealth('k')).toBeUndefined();
      expect(await store.latestProgress('kr-n')).toBeUndefined();
    });
  });

  describe('sync runs', () => {
    it('replaces a run by id: saved as running, then finished', async () => {
      const running = run('r1', 'mrr', '2024-01-01T10:00:00Z', { status: 'running' });
      await store.saveRun(running);
      expect(await store.listRuns()).toEqual([running]);

      const finished: SyncRun = {
        ...running,
        status: 'failed',
        finishedAt: '2024-01-01T10:00:02Z',
        durationMs: 2000,
        rawValues: 3,
        datapoints: 2,
        rejected: 1,
        rejects: [
          { where: 7, reason: 'amount is not a number' },
          { where: 'row-9', reason: 'no date' },
        ],
        counters: { requests: 2, pages: 1 },
        apiUsage: { used: 120, limit: 15000 },
        error: { code: 'KS_ERR_TRANSIENT', message: '503 from the source' },
      };
      await store.saveRun(finished);
      expect(await store.listRuns()).toEqual([finished]);

      const retried: SyncRun = { ...running, status: 'ok', finishedAt: '2024-01-01T10:00:03Z' };
      await store.saveRun(retried);
      expect(await store.listRuns()).toEqual([retried]);
    });

    it('lists runs most recent first, by instant, filtered by KPI and limited', async () => {
      const r1 = run('r1', 'mrr', '2024-01-01T10:00:00Z');
      const r2 = run('r2', 'churn', '2024-01-01T11:30:00+02:00'); // 09:30Z: before r1
      const r3 = run('r3', 'mrr', '2024-01-02T10:00:00Z');
      const r4 = run('r4', 'mrr-eu', '2024-01-03T10:00:00Z');
      for (const r of [r3, r1, r4, r2]) await store.saveRun(r);

      expect(await store.listRuns()).toEqual([r4, r3, r1, r2]);
      expect(await store.listRuns({ limit: 2 })).toEqual([r4, r3]);
      expect(await store.listRuns({ kpi: 'mrr' })).toEqual([r3, r1]);
      expect(await store.listRuns({ kpi: 'mrr', limit: 1 })).toEqual([r3]);
      expect(await store.listRuns({ kpi: 'nothing' })).toEqual([]);
    });

    it('keeps the position of a run when it is saved again', async () => {
      const r1 = run('r1', 'mrr', '2024-01-01T10:00:00Z');
      const r2 = run('r2', 'mrr', '2024-01-02T10:00:00Z');
      await store.saveRun(r1);
      await store.saveRun(r2);
      await store.saveRun({ ...r1, status: 'ok' });
      expect((await store.listRuns()).map((r) => [r.id, r.status])).toEqual([
        ['r2', 'running'],
        ['r1', 'ok'],
      ]);
    });
  });

  describe('connector cursors', () => {
    it('round-trips nested JSON per KPI through commitSync and forgets it when set to undefined', async () => {
      expect(await store.getConnectorCursor('mrr')).toBeUndefined();
      const cursor = {
        since: '2024-01-01T00:00:00Z',
        pages: [1, 2, { token: 'abc', done: false }],
        nested: { deeper: { n: 1.5, nothing: null, empty: [], text: 'ü "quoted" \n' } },
      };
      await store.commitSync({ kpi: 'mrr', cursor: { value: cursor } });
      await store.commitSync({ kpi: 'mrr-eu', cursor: { value: 'just a string' } });
      expect(await store.getConnectorCursor('mrr')).toEqual(cursor);
      expect(await store.getConnectorCursor('mrr-eu')).toBe('just a string');

      await store.commitSync({ kpi: 'mrr', cursor: { value: 42 } });
      expect(await store.getConnectorCursor('mrr')).toBe(42);
      await store.commitSync({ kpi: 'mrr', cursor: { value: null } });
      expect(await store.getConnectorCursor('mrr')).toBeNull();
      await store.commitSync({ kpi: 'mrr', cursor: { value: undefined } });
      expect(await store.getConnectorCursor('mrr')).toBeUndefined();
    });
  });
}
