import { beforeEach, describe, expect, it } from 'vitest';
import type { BackfillProgress, Store } from '../../src/store/store.ts';

const progressAt = (done: string): BackfillProgress => ({ from: '2024-01-01T00:00:00Z', to: '2024-12-01T00:00:00Z', done, updatedAt: '2024-06-01T00:00:00Z' });

/** Typed bookkeeping of the Store contract: backfill progress, disabled destinations, shared connection state. */
export function defineBookkeepingContract(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('backfill progress', () => {
    it('moves with the commit of the period it describes, per KPI, and is forgotten on request', async () => {
      expect(await store.getBackfillProgress('mrr')).toBeUndefined();
      await store.commitSync({ kpi: 'mrr', backfill: { progress: progressAt('2024-02-01T00:00:00Z') } });
      await store.commitSync({ kpi: 'mrr-eu', backfill: { progress: progressAt('2024-05-01T00:00:00Z') } });
      await store.commitSync({ kpi: 'mrr', backfill: { progress: progressAt('2024-03-01T00:00:00Z') } });
      expect(await store.getBackfillProgress('mrr')).toEqual(progressAt('2024-03-01T00:00:00Z'));
      expect(await store.getBackfillProgress('mrr-eu')).toEqual(progressAt('2024-05-01T00:00:00Z'));

      await store.commitSync({ kpi: 'mrr', backfill: { progress: undefined } });
      expect(await store.getBackfillProgress('mrr')).toBeUndefined();
      await store.saveBackfillProgress('mrr-eu', undefined);
      expect(await store.getBackfillProgress('mrr-eu')).toBeUndefined();
      await store.saveBackfillProgress('mrr', progressAt('2024-04-01T00:00:00Z'));
      expect(await store.getBackfillProgress('mrr')).toEqual(progressAt('2024-04-01T00:00:00Z'));
    });
  });

  describe('disabled destinations', () => {
    it('disables with the reason, lists them by name and re-enables', async () => {
      expect(await store.disabledDestinations()).toEqual(new Map());
      await store.setDestinationDisabled('ops-webhook', { at: '2024-01-01T00:00:00Z', status: 410, reason: 'Gone' });
      await store.setDestinationDisabled('slack', { at: '2024-01-02T00:00:00Z', reason: 'Gone again' });
      expect(await store.disabledDestinations()).toEqual(
        new Map([
          ['ops-webhook', { at: '2024-01-01T00:00:00Z', status: 410, reason: 'Gone' }],
          ['slack', { at: '2024-01-02T00:00:00Z', reason: 'Gone again' }],
        ]),
      );
      await store.setDestinationDisabled('ops-webhook', undefined);
      await store.setDestinationDisabled('never-disabled', undefined);
      expect([...(await store.disabledDestinations()).keys()]).toEqual(['slack']);
    });
  });

  describe('connection state', () => {
    const now = '2024-01-01T12:00:00Z';

    it('shares a value per scope and key until it expires, then reads it as absent', async () => {
      expect(await store.getConnectionState('sf#abc', 'pause', now)).toBeUndefined();
      await store.setConnectionState('sf#abc', 'pause', { value: { reason: 'REQUEST_LIMIT_EXCEEDED', seen: ['mrr'] }, expiresAt: '2024-01-01T13:00:00Z' });
      await store.setConnectionState('sf#abc', 'token', { value: 'opaque-token' });
      await store.setConnectionState('sf#other', 'pause', { value: true });

      expect(await store.getConnectionState('sf#abc', 'pause', now)).toEqual({ reason: 'REQUEST_LIMIT_EXCEEDED', seen: ['mrr'] });
      expect(await store.getConnectionState('sf#abc', 'token', '2099-01-01T00:00:00Z')).toBe('opaque-token');
      expect(await store.getConnectionState('sf#other', 'pause', now)).toBe(true);
      expect(await store.getConnectionState('sf#abc', 'pause', '2024-01-01T13:00:00Z')).toBeUndefined();
    });

    it('overwrites and deletes', async () => {
      await store.setConnectionState('jira#1', 'fields', { value: { story: 'customfield_10016' } });
      await store.setConnectionState('jira#1', 'fields', { value: { story: 'customfield_10020' } });
      expect(await store.getConnectionState('jira#1', 'fields', now)).toEqual({ story: 'customfield_10020' });
      await store.setConnectionState('jira#1', 'fields', undefined);
      expect(await store.getConnectionState('jira#1', 'fields', now)).toBeUndefined();
    });
  });
}
