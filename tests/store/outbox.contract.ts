import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { health, outboxEntry, transition } from './contract-data.ts';

/** The durable outbox part of the Store contract: alerts and KR pushes waiting for delivery. */
export function defineOutboxContract(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('outbox', () => {
    it('writes alert entries in the same commit as the health transition that caused them', async () => {
      const entry = outboxEntry('a1', '2024-02-01T00:00:00Z');
      const result = await store.commitSync({
        kpi: 'churn',
        health: { record: health('critical', '2024-02-01T00:00:00Z'), transition: transition('churn', 'ok', 'critical', '2024-02-01T00:00:00Z') },
        outbox: [entry],
      });
      expect(result.outboxAdded).toBe(1);
      expect(await store.getOutbox('a1')).toEqual(entry);
      expect(await store.listTransitions('churn')).toHaveLength(1);
    });

    it('writes neither the health nor the alert when the batch is invalid', async () => {
      const bad = outboxEntry('bad', 'not a date');
      await expect(
        store.commitSync({
          kpi: 'churn',
          health: { record: health('critical', '2024-02-01T00:00:00Z'), transition: transition('churn', 'ok', 'critical', '2024-02-01T00:00:00Z') },
          outbox: [bad],
        }),
      ).rejects.toThrow();
      expect(await store.getHealth('churn')).toBeUndefined();
      expect(await store.getOutbox('bad')).toBeUndefined();
    });

    it('enqueue is idempotent on id: a re-sent entry does not reset delivery state', async () => {
      expect(await store.enqueueOutbox([outboxEntry('p1', '2024-02-01T00:00:00Z', { channel: 'push' })])).toBe(1);
      const delivered = { ...(await store.getOutbox('p1'))!, status: 'delivered' as const, attempts: 1, deliveredAt: '2024-02-01T00:00:01Z' };
      await store.updateOutbox(delivered);
      expect(await store.enqueueOutbox([outboxEntry('p1', '2024-02-01T00:00:00Z', { channel: 'push' })])).toBe(0);
      expect(await store.getOutbox('p1')).toEqual(delivered);
    });

    it('hands out only pending entries that are due, oldest due first, up to the limit', async () => {
      await store.enqueueOutbox([
        outboxEntry('late', '2024-02-01T00:00:00Z', { nextAttemptAt: '2024-02-01T00:10:00Z' }),
        outboxEntry('first', '2024-02-01T00:00:02Z', { nextAttemptAt: '2024-02-01T00:00:02Z' }),
        outboxEntry('second', '2024-02-01T00:00:01+00:00', { nextAttemptAt: '2024-02-01T01:00:03+01:00' }),
        outboxEntry('done', '2024-02-01T00:00:00Z', { status: 'delivered' }),
        outboxEntry('failed', '2024-02-01T00:00:00Z', { status: 'failed' }),
      ]);
      const now = '2024-02-01T00:05:00Z';
      expect((await store.dueOutbox(now, 10)).map((e) => e.id)).toEqual(['first', 'second']);
      expect((await store.dueOutbox(now, 1)).map((e) => e.id)).toEqual(['first']);
      expect((await store.dueOutbox('2024-02-01T00:10:00Z', 10)).map((e) => e.id)).toEqual(['first', 'second', 'late']);
    });

    it('updates delivery state and lists by status and channel, newest first', async () => {
      await store.enqueueOutbox([
        outboxEntry('a', '2024-02-01T00:00:00Z'),
        outboxEntry('b', '2024-02-02T00:00:00Z'),
        outboxEntry('c', '2024-02-03T00:00:00Z', { channel: 'push' }),
      ]);
      const a = (await store.getOutbox('a'))!;
      await store.updateOutbox({ ...a, status: 'dead', attempts: 7, lastError: 'gave up after 24h', lastStatus: 503 });
      const retried = (await store.getOutbox('b'))!;
      await store.updateOutbox({ ...retried, attempts: 1, nextAttemptAt: '2024-02-02T00:01:00Z', lastError: 'timeout' });

      expect((await store.listOutbox()).map((e) => e.id)).toEqual(['c', 'b', 'a']);
      expect((await store.listOutbox({ status: ['dead', 'failed'] })).map((e) => e.id)).toEqual(['a']);
      expect((await store.listOutbox({ channel: 'push' })).map((e) => e.id)).toEqual(['c']);
      expect((await store.listOutbox({ limit: 1 })).map((e) => e.id)).toEqual(['c']);
      expect((await store.dueOutbox('2024-02-02T00:00:30Z', 10)).map((e) => e.id)).toEqual([]);
      expect(await store.getOutbox('a')).toMatchObject({ status: 'dead', attempts: 7, lastStatus: 503 });
    });

    it('never hands out held entries; releasing one makes it due', async () => {
      await store.enqueueOutbox([outboxEntry('h', '2024-02-01T00:00:00Z', { channel: 'push', status: 'held', lastError: 'held by the guard' })]);
      expect(await store.dueOutbox('2030-01-01T00:00:00Z', 10)).toEqual([]);
      expect((await store.listOutbox({ status: ['held'] })).map((e) => e.id)).toEqual(['h']);
      await store.updateOutbox({ ...(await store.getOutbox('h'))!, status: 'pending' });
      expect((await store.dueOutbox('2030-01-01T00:00:00Z', 10)).map((e) => e.id)).toEqual(['h']);
    });

    it('claims a due entry once: a second process holding the same read finds it taken', async () => {
      await store.enqueueOutbox([outboxEntry('c1', '2024-02-01T00:00:00Z')]);
      const [read] = await store.dueOutbox('2024-02-01T00:00:05Z', 10);
      const claimed = (lease: string) => ({ ...read!, attempts: 1, lastAttemptAt: '2024-02-01T00:00:05Z', nextAttemptAt: lease });
      expect(await store.claimOutbox(read!, claimed('2024-02-01T00:05:05Z'))).toBe(true);
      expect(await store.claimOutbox(read!, claimed('2024-02-01T00:05:06Z'))).toBe(false);
      expect(await store.getOutbox('c1')).toEqual(claimed('2024-02-01T00:05:05Z'));
      // Under lease it is not due; once it is due again (the lease ran out), the new read may claim it.
      expect(await store.dueOutbox('2024-02-01T00:01:00Z', 10)).toEqual([]);
      const [again] = await store.dueOutbox('2024-02-01T00:06:00Z', 10);
      expect(await store.claimOutbox(again!, { ...again!, attempts: 2, nextAttemptAt: '2024-02-01T00:11:00Z' })).toBe(true);
      // Not pending (delivered, held): never claimed.
      await store.updateOutbox({ ...(await store.getOutbox('c1'))!, status: 'delivered' });
      expect(await store.claimOutbox(again!, { ...again!, attempts: 3 })).toBe(false);
    });

    it('refuses to update an entry that does not exist', async () => {
      await expect(store.updateOutbox(outboxEntry('ghost', '2024-02-01T00:00:00Z'))).rejects.toThrow(/ghost/);
    });
  });
}
