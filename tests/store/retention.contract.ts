import { beforeEach, describe, expect, it } from 'vitest';
import type { OutboxEntry, PruneOptions, Store, SyncRun } from '../../src/store/store.ts';
import { outboxEntry, run } from './contract-data.ts';

/** Cutoffs far in the past: nothing is pruned unless a test moves one. */
const NOTHING: PruneOptions = {
  runsBefore: '2000-01-01T00:00:00Z',
  deliveredBefore: '2000-01-01T00:00:00Z',
  abandonedBefore: '2000-01-01T00:00:00Z',
  now: '2024-03-01T10:00:00Z',
};
const NONE = { runsDeleted: 0, outboxDeleted: 0, runsAbandoned: 0 };

/** More than one batch of the adapters (1,000), so the loops over batches are exercised. */
const MANY = 1_100;

const ids = (items: { id: string }[]) => items.map((item) => item.id);

/** Retention (pruneHistory) part of the Store contract: old runs, delivered outbox entries, interrupted runs. */
export function defineRetentionContract(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('retention', () => {
    it('deletes runs that started before the cutoff but keeps the latest run of every KPI', async () => {
      const old1 = run('m1', 'mrr', '2024-01-01T10:00:00Z', { status: 'ok' });
      const old2 = run('m2', 'mrr', '2024-02-01T00:30:00+01:00', { status: 'failed' }); // 23:30Z the day before the cutoff
      const recent = run('m3', 'mrr', '2024-02-01T00:00:00Z', { status: 'ok' }); // at the cutoff: kept
      const churnOld = run('c1', 'churn', '2024-01-02T10:00:00Z', { status: 'ok' });
      const churnLatest = run('c2', 'churn', '2024-01-03T10:00:00Z', { status: 'failed' });
      // Same instant: insertion order decides which is the latest, as in listRuns.
      const tieFirst = run('t1', 'ltv', '2024-01-05T10:00:00Z', { status: 'ok' });
      const tieSecond = run('t2', 'ltv', '2024-01-05T10:00:00Z', { status: 'ok' });
      const npsRecent = run('n1', 'nps', '2024-02-15T10:00:00Z', { status: 'ok' });
      for (const r of [recent, old1, churnOld, tieFirst, tieSecond, npsRecent, churnLatest, old2]) await store.saveRun(r);

      const result = await store.pruneHistory({ ...NOTHING, runsBefore: '2024-02-01T00:00:00Z' });
      expect(result).toEqual({ runsDeleted: 4, outboxDeleted: 0, runsAbandoned: 0 });

      expect(await store.listRuns()).toEqual([npsRecent, recent, tieSecond, churnLatest]);
      expect(await store.listRuns({ limit: 2 })).toEqual([npsRecent, recent]);
      expect(await store.listRuns({ kpi: 'mrr' })).toEqual([recent]);
      expect(await store.listRuns({ kpi: 'churn' })).toEqual([churnLatest]);
      expect(await store.listRuns({ kpi: 'ltv', limit: 1 })).toEqual([tieSecond]);

      expect(await store.pruneHistory({ ...NOTHING, runsBefore: '2024-02-01T00:00:00Z' })).toEqual(NONE);
    });

    it('keeps the latest run of a KPI even when every run is old, and deletes a pruned run everywhere', async () => {
      await store.saveRun(run('a', 'mrr', '2024-01-01T00:00:00Z', { status: 'ok' }));
      await store.saveRun(run('b', 'mrr', '2024-01-02T00:00:00Z', { status: 'ok' }));
      expect(await store.pruneHistory({ ...NOTHING, runsBefore: '2024-03-01T00:00:00Z' })).toMatchObject({ runsDeleted: 1 });
      expect(ids(await store.listRuns())).toEqual(['b']);

      // The deleted id is gone, not hidden: saving it again makes a new, latest run.
      const again = run('a', 'mrr', '2024-01-03T00:00:00Z', { status: 'ok' });
      await store.saveRun(again);
      expect(await store.listRuns({ kpi: 'mrr' })).toEqual([again, run('b', 'mrr', '2024-01-02T00:00:00Z', { status: 'ok' })]);
      expect(await store.pruneHistory({ ...NOTHING, runsBefore: '2024-03-01T00:00:00Z' })).toMatchObject({ runsDeleted: 1 });
      expect(await store.listRuns()).toEqual([again]);
    });

    it('prunes more runs than one batch holds, after more kept runs than one batch holds', async () => {
      // MANY KPIs whose only run is old (kept: each is its KPI's latest), then MANY old runs of one busy KPI.
      for (let i = 0; i < MANY; i += 1) {
        await store.saveRun(run(`only-${i}`, `k${i}`, new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(), { status: 'ok' }));
      }
      for (let i = 0; i < MANY; i += 1) {
        await store.saveRun(run(`busy-${i}`, 'busy', new Date(Date.UTC(2024, 0, 2, 0, 0, i)).toISOString(), { status: 'ok' }));
      }
      await store.saveRun(run('busy-latest', 'busy', '2024-02-15T00:00:00Z', { status: 'ok' }));

      const result = await store.pruneHistory({ ...NOTHING, runsBefore: '2024-02-01T00:00:00Z' });
      expect(result).toEqual({ runsDeleted: MANY, outboxDeleted: 0, runsAbandoned: 0 });
      const left = await store.listRuns();
      expect(left).toHaveLength(MANY + 1);
      expect(left.filter((r) => r.kpi === 'busy').map((r) => r.id)).toEqual(['busy-latest']);
      expect(ids(await store.listRuns({ kpi: 'k7' }))).toEqual(['only-7']);
      expect(await store.pruneHistory({ ...NOTHING, runsBefore: '2024-02-01T00:00:00Z' })).toEqual(NONE);
    });

    it('marks a run still running after abandonedBefore as interrupted and leaves recent and finished runs alone', async () => {
      const stale = run('stale', 'mrr', '2024-03-01T08:00:00Z', { counters: { pages: 2 } });
      const fresh = run('fresh', 'mrr', '2024-03-01T09:30:00+00:00');
      const done = run('done', 'churn', '2024-03-01T07:00:00Z', { status: 'ok', finishedAt: '2024-03-01T07:00:02Z', durationMs: 2000 });
      const elsewhere = run('elsewhere', 'nps', '2024-03-01T09:59:00+02:00'); // 07:59Z: stale too
      for (const r of [stale, fresh, done, elsewhere]) await store.saveRun(r);

      const options = { ...NOTHING, abandonedBefore: '2024-03-01T09:00:00Z', now: '2024-03-01T10:00:00Z' };
      expect(await store.pruneHistory(options)).toEqual({ runsDeleted: 0, outboxDeleted: 0, runsAbandoned: 2 });

      const interrupted = (r: SyncRun) => ({
        ...r,
        status: 'failed',
        finishedAt: '2024-03-01T10:00:00Z',
        error: { code: 'KS_ERR_INTERRUPTED', message: expect.stringMatching(/stopped mid-sync.*next run retries/) },
      });
      expect(await store.listRuns({ kpi: 'mrr' })).toEqual([fresh, interrupted(stale)]);
      expect(await store.listRuns({ kpi: 'nps' })).toEqual([interrupted(elsewhere)]);
      expect(await store.listRuns({ kpi: 'churn' })).toEqual([done]);
      expect((await store.listRuns({ kpi: 'mrr' }))[1]?.durationMs).toBeUndefined();
      expect(await store.pruneHistory(options)).toEqual(NONE);

      // The fresh run finishes; a later pass leaves it alone, and finds a new stale one.
      await store.saveRun({ ...fresh, status: 'ok', finishedAt: '2024-03-01T10:00:01Z' });
      const later = run('later', 'churn', '2024-03-01T08:30:00Z');
      await store.saveRun(later);
      const next = { ...options, abandonedBefore: '2024-03-01T11:00:00Z', now: '2024-03-01T12:00:00Z' };
      expect(await store.pruneHistory(next)).toEqual({ runsDeleted: 0, outboxDeleted: 0, runsAbandoned: 1 });
      expect((await store.listRuns({ kpi: 'mrr' }))[0]).toMatchObject({ id: 'fresh', status: 'ok' });
      expect((await store.listRuns({ kpi: 'churn' }))[0]).toMatchObject({ id: 'later', status: 'failed', finishedAt: '2024-03-01T12:00:00Z' });
    });

    it('a run that was marked interrupted and then saved by its own process keeps what the process wrote', async () => {
      const slow = run('slow', 'mrr', '2024-03-01T08:00:00Z');
      await store.saveRun(slow);
      expect(await store.pruneHistory({ ...NOTHING, abandonedBefore: '2024-03-01T09:00:00Z' })).toMatchObject({ runsAbandoned: 1 });
      const finished: SyncRun = { ...slow, status: 'ok', finishedAt: '2024-03-01T09:30:00Z', durationMs: 5_400_000 };
      await store.saveRun(finished);
      expect(await store.pruneHistory({ ...NOTHING, abandonedBefore: '2024-03-01T09:00:00Z' })).toEqual(NONE);
      expect(await store.listRuns()).toEqual([finished]);
    });

    it('deletes an old interrupted run when a later run of its KPI exists, and marks one that is the latest', async () => {
      await store.saveRun(run('crashed', 'mrr', '2024-01-01T00:00:00Z'));
      await store.saveRun(run('next', 'mrr', '2024-01-01T00:05:00Z', { status: 'ok' }));
      await store.saveRun(run('lonely', 'nps', '2024-01-01T00:00:00Z'));
      const options = {
        runsBefore: '2024-02-01T00:00:00Z',
        deliveredBefore: '2024-02-01T00:00:00Z',
        abandonedBefore: '2024-02-29T00:00:00Z',
        now: '2024-03-01T00:00:00Z',
      };
      expect(await store.pruneHistory(options)).toEqual({ runsDeleted: 1, outboxDeleted: 0, runsAbandoned: 1 });
      expect((await store.listRuns()).map((r) => [r.id, r.status, r.error?.code])).toEqual([
        ['next', 'ok', undefined],
        ['lonely', 'failed', 'KS_ERR_INTERRUPTED'],
      ]);
      expect(await store.pruneHistory(options)).toEqual(NONE);
    });

    it('deletes delivered entries delivered before the cutoff and never pending, held, failed or dead ones', async () => {
      const delivered = (id: string, createdAt: string, deliveredAt: string | undefined, extra: Partial<OutboxEntry> = {}) =>
        outboxEntry(id, createdAt, { status: 'delivered', attempts: 1, ...(deliveredAt ? { deliveredAt } : {}), ...extra });
      const keep = [
        outboxEntry('pending', '2024-01-01T00:00:00Z'),
        outboxEntry('held', '2024-01-01T00:00:01Z', { channel: 'push', status: 'held' }),
        outboxEntry('failed', '2024-01-01T00:00:02Z', { status: 'failed', attempts: 3 }),
        outboxEntry('dead', '2024-01-01T00:00:03Z', { channel: 'push', status: 'dead', attempts: 9 }),
        // Created long ago, delivered after the cutoff (a push held for weeks, then released).
        delivered('late', '2024-01-01T00:00:04Z', '2024-02-20T00:00:00Z', { channel: 'push' }),
        delivered('recent', '2024-02-10T00:00:00Z', '2024-02-10T00:00:01Z'),
      ];
      const prune = [
        delivered('old-alert', '2024-01-02T00:00:00Z', '2024-01-02T00:00:01Z'),
        delivered('old-push', '2024-01-03T00:00:00Z', '2024-01-31T23:59:59Z', { channel: 'push' }),
        delivered('no-date', '2024-01-04T00:00:00Z', undefined),
        delivered('offset', '2024-01-31T23:00:00Z', '2024-02-01T00:30:00+01:00'), // 23:30Z, before the cutoff
      ];
      await store.enqueueOutbox([...keep, ...prune]);

      const options = { ...NOTHING, deliveredBefore: '2024-02-01T00:00:00Z' };
      expect(await store.pruneHistory(options)).toEqual({ runsDeleted: 0, outboxDeleted: 4, runsAbandoned: 0 });

      expect(ids(await store.listOutbox())).toEqual(['recent', 'late', 'dead', 'failed', 'held', 'pending']);
      expect(ids(await store.listOutbox({ status: ['delivered'] }))).toEqual(['recent', 'late']);
      expect(ids(await store.listOutbox({ channel: 'push' }))).toEqual(['late', 'dead', 'held']);
      expect(ids(await store.listOutbox({ limit: 1 }))).toEqual(['recent']);
      for (const entry of prune) expect(await store.getOutbox(entry.id)).toBeUndefined();
      for (const entry of keep) expect(await store.getOutbox(entry.id)).toEqual(entry);
      expect(ids(await store.dueOutbox('2024-03-01T00:00:00Z', 10))).toEqual(['pending']);
      expect(await store.pruneHistory(options)).toEqual(NONE);

      // Nothing of a deleted entry is left behind: its id can be enqueued anew.
      expect(await store.enqueueOutbox([outboxEntry('old-alert', '2024-03-01T00:00:00Z')])).toBe(1);
      expect(ids(await store.listOutbox({ limit: 1 }))).toEqual(['old-alert']);
    });

    it('prunes more delivered entries than one batch holds, some kept among them', async () => {
      const entries = Array.from({ length: 2 * MANY }, (_, i) =>
        outboxEntry(`e${i}`, new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(), {
          channel: i % 3 === 0 ? 'push' : 'alert',
          status: 'delivered',
          // Every other one was delivered after the cutoff and stays.
          deliveredAt: i % 2 === 0 ? '2024-01-20T00:00:00Z' : '2024-02-20T00:00:00Z',
        }),
      );
      await store.enqueueOutbox(entries);
      const options = { ...NOTHING, deliveredBefore: '2024-02-01T00:00:00Z' };
      expect(await store.pruneHistory(options)).toEqual({ runsDeleted: 0, outboxDeleted: MANY, runsAbandoned: 0 });
      const left = await store.listOutbox();
      expect(left).toHaveLength(MANY);
      expect(left.every((e) => e.deliveredAt === '2024-02-20T00:00:00Z')).toBe(true);
      expect(await store.pruneHistory(options)).toEqual(NONE);
    });

    it('changes nothing on an empty store and rejects cutoffs that are not instants', async () => {
      expect(await store.pruneHistory(NOTHING)).toEqual(NONE);
      await expect(store.pruneHistory({ ...NOTHING, runsBefore: 'last month' })).rejects.toThrow(/runsBefore "last month" is not an ISO instant/);
      await expect(store.pruneHistory({ ...NOTHING, now: 'now' })).rejects.toThrow(/now "now" is not an ISO instant/);
    });
  });
}
