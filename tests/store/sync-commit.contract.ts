import { beforeEach, describe, expect, it } from 'vitest';
import { lastPushKey, type Store, type SyncCommit, type SyncStateQuery } from '../../src/store/store.ts';
import { dp, health, outboxEntry, progress, run, transition } from './contract-data.ts';

const QUERY: SyncStateQuery = {
  kpi: 'churn',
  krs: ['kr-churn', 'kr-other'],
  routes: ['ops', 'cfo'],
  pushes: [
    { kr: 'kr-churn', target: 'quantive' },
    { kr: 'kr-churn', target: 'tability' },
  ],
  recent: 3,
};

/** A whole sync's writes: what runSync hands the store after a health transition. */
function fullCommit(): SyncCommit {
  return {
    kpi: 'churn',
    datapoints: { points: [dp('churn', '2024-03-01T00:00:00Z', 6.1, { source: 'csv' })], options: { closedBefore: '2024-03-01T00:00:00Z' } },
    health: { record: health('warn', '2024-03-05T00:00:00Z', { lastValue: 6.1 }), transition: transition('churn', 'ok', 'warn', '2024-03-05T00:00:00Z') },
    progress: [progress('kr-churn', 6.1, 0.2, 'off_track', '2024-03-05T00:00:00Z')],
    outbox: [outboxEntry('evt-1-ops', '2024-03-05T00:00:00Z'), outboxEntry('push-1', '2024-03-05T00:00:00Z', { channel: 'push', destination: 'quantive' })],
    notified: [{ route: 'ops', at: '2024-03-05T00:00:00Z' }],
    lastPushed: [{ kr: 'kr-churn', target: 'quantive', push: { at: '2024-03-05T00:00:00Z', value: 6.1 } }],
    cursor: { value: { since: '2024-03-01' } },
    run: run('r-1', 'churn', '2024-03-05T00:00:00Z', { status: 'ok', finishedAt: '2024-03-05T00:00:01Z', datapoints: 1 }),
  };
}

/** The sync's two calls: one read of everything planning needs, one all-or-nothing commit. */
export function defineSyncCommitContract(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('readSyncState and commitSync', () => {
    it('reads an empty state for a KPI that never synced', async () => {
      const state = await store.readSyncState(QUERY);
      expect(state.health).toBeUndefined();
      expect(state.lastTransition).toBeUndefined();
      expect(state.episodeStart).toBeUndefined();
      expect(state.recent).toEqual([]);
      expect(state.progress.size).toBe(0);
      expect(state.notified.size).toBe(0);
      expect(state.lastPushed.size).toBe(0);
    });

    it('commits every part of a sync and reads it back in one call', async () => {
      const commit = fullCommit();
      const result = await store.commitSync(commit);
      expect(result).toEqual({ written: 1, skipped: 0, outboxAdded: 2, progressAppended: 1 });

      const state = await store.readSyncState(QUERY);
      expect(state.health).toEqual(commit.health!.record);
      expect(state.lastTransition).toEqual(commit.health!.transition);
      expect(state.episodeStart).toEqual(commit.health!.transition);
      expect(state.recent).toEqual(commit.datapoints!.points);
      expect([...state.progress]).toEqual([['kr-churn', commit.progress![0]]]);
      expect([...state.notified]).toEqual([['ops', '2024-03-05T00:00:00Z']]);
      expect([...state.lastPushed]).toEqual([[lastPushKey('kr-churn', 'quantive'), { at: '2024-03-05T00:00:00Z', value: 6.1 }]]);
      expect(await store.getConnectorCursor('churn')).toEqual({ since: '2024-03-01' });
      expect(await store.listRuns({ kpi: 'churn' })).toEqual([commit.run]);
      expect((await store.listOutbox()).map((e) => e.id).sort()).toEqual(['evt-1-ops', 'push-1']);
    });

    it('writes nothing at all when any part is invalid', async () => {
      const commit = fullCommit();
      commit.outbox = [...commit.outbox!, outboxEntry('broken', 'not a date')];
      await expect(store.commitSync(commit)).rejects.toThrow();

      const state = await store.readSyncState(QUERY);
      expect(state.health).toBeUndefined();
      expect(state.recent).toEqual([]);
      expect(state.progress.size + state.notified.size + state.lastPushed.size).toBe(0);
      expect(await store.listOutbox()).toEqual([]);
      expect(await store.listRuns()).toEqual([]);
      expect(await store.getConnectorCursor('churn')).toBeUndefined();

      const badPoint = fullCommit();
      badPoint.datapoints!.points.push(dp('churn', '2024-04-01T00:00:00Z', Number.POSITIVE_INFINITY));
      await expect(store.commitSync(badPoint)).rejects.toThrow(/not finite/);
      expect(await store.listRuns()).toEqual([]);
    });

    it('is idempotent when the same commit is made twice (a commit whose acknowledgement was lost)', async () => {
      await store.commitSync(fullCommit());
      const again = await store.commitSync(fullCommit());
      expect(again).toEqual({ written: 0, skipped: 1, outboxAdded: 0, progressAppended: 0 });
      // A transition is identified by its KPI, instant and states: recorded once.
      expect(await store.listTransitions('churn')).toHaveLength(1);
      expect(await store.listRuns()).toHaveLength(1);
      expect(await store.listOutbox()).toHaveLength(2);
      expect(await store.listProgress('kr-churn')).toHaveLength(1);
    });

    it('reads only the most recent datapoints, oldest first, and only the asked-for KRs, routes and pushes', async () => {
      const points = ['01', '02', '03', '04', '05'].map((m, i) => dp('churn', `2024-${m}-01T00:00:00Z`, i));
      await store.upsertDatapoints([...points, dp('churn-eu', '2024-09-01T00:00:00Z', 99)]);
      await store.commitSync({
        kpi: 'churn',
        progress: [progress('kr-churn', 1, 0.1, 'on_track', '2024-05-01T00:00:00Z'), progress('kr-elsewhere', 1, 0.1, 'on_track', '2024-05-01T00:00:00Z')],
        notified: [
          { route: 'cfo', at: '2024-05-01T00:00:00Z' },
          { route: 'unrelated', at: '2024-05-01T00:00:00Z' },
        ],
        lastPushed: [
          { kr: 'kr-churn', target: 'tability', push: { at: '2024-05-01T00:00:00Z' } },
          { kr: 'kr-elsewhere', target: 'tability', push: { at: '2024-05-01T00:00:00Z', value: 1 } },
        ],
      });
      const state = await store.readSyncState(QUERY);
      expect(state.recent.map((p) => p.value)).toEqual([2, 3, 4]);
      expect([...state.progress.keys()]).toEqual(['kr-churn']);
      expect([...state.notified]).toEqual([['cfo', '2024-05-01T00:00:00Z']]);
      expect([...state.lastPushed]).toEqual([[lastPushKey('kr-churn', 'tability'), { at: '2024-05-01T00:00:00Z' }]]);
    });

    it('keeps notified and last-pushed bookkeeping per KPI and per pair, overwriting older values', async () => {
      await store.commitSync({ kpi: 'churn', notified: [{ route: 'ops', at: '2024-01-01T00:00:00Z' }] });
      await store.commitSync({ kpi: 'nps', notified: [{ route: 'ops', at: '2024-02-01T00:00:00Z' }] });
      await store.commitSync({ kpi: 'churn', notified: [{ route: 'ops', at: '2024-03-01T00:00:00Z' }] });
      await store.commitSync({ kpi: 'churn', lastPushed: [{ kr: 'kr-churn', target: 'quantive', push: { at: '2024-01-01T00:00:00Z', value: 1 } }] });
      await store.commitSync({ kpi: 'churn', lastPushed: [{ kr: 'kr-churn', target: 'quantive', push: { at: '2024-02-01T00:00:00Z', value: 2 } }] });
      const churn = await store.readSyncState(QUERY);
      expect(churn.notified.get('ops')).toBe('2024-03-01T00:00:00Z');
      expect(churn.lastPushed.get(lastPushKey('kr-churn', 'quantive'))).toEqual({ at: '2024-02-01T00:00:00Z', value: 2 });
      expect((await store.readSyncState({ ...QUERY, kpi: 'nps' })).notified.get('ops')).toBe('2024-02-01T00:00:00Z');
    });

    it('finds the breach episode: the latest transition out of ok, else the first one', async () => {
      const commitTransition = (from: 'ok' | 'warn' | 'critical' | 'no_data', to: 'ok' | 'warn' | 'critical' | 'no_data', at: string) =>
        store.commitSync({ kpi: 'churn', health: { record: health(to, at), transition: transition('churn', from, to, at) } });
      await commitTransition('no_data', 'warn', '2024-01-01T00:00:00Z');
      let state = await store.readSyncState(QUERY);
      expect(state.episodeStart?.at).toBe('2024-01-01T00:00:00Z');

      await commitTransition('warn', 'ok', '2024-01-02T00:00:00Z');
      await commitTransition('ok', 'warn', '2024-01-03T00:00:00Z');
      await commitTransition('warn', 'critical', '2024-01-04T00:00:00Z');
      state = await store.readSyncState(QUERY);
      expect(state.episodeStart).toMatchObject({ from: 'ok', to: 'warn', at: '2024-01-03T00:00:00Z' });
      expect(state.lastTransition).toMatchObject({ from: 'warn', to: 'critical', at: '2024-01-04T00:00:00Z' });
    });

    it('commits a run record alone (a failed sync is one write)', async () => {
      const failed = run('r-9', 'churn', '2024-03-05T00:00:00Z', { status: 'failed', error: { code: 'KS_ERR_AUTH', message: '401' } });
      await store.commitSync({ kpi: 'churn', run: failed });
      expect(await store.listRuns()).toEqual([failed]);
    });
  });
}
