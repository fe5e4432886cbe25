import { beforeEach, describe, expect, it } from 'vitest';
import type { Silence, Store } from '../../src/store/store.ts';
import { outboxEntry } from './contract-data.ts';

export function silence(id: string, startsAt: string, endsAt: string, extra: Partial<Silence> = {}): Silence {
  return { id, matcher: { kpi: 'churn' }, startsAt, endsAt, reason: 'planned migration', createdBy: 'alice', ...extra };
}

const ids = (list: { id: string }[]) => list.map((s) => s.id);

/** Silences (Alertmanager's) and the `silenced` outbox status: what the dispatcher and `kpi-sync silence` rely on. */
export function defineSilenceContract(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('silences', () => {
    it('lists the silences that end after an instant, newest start first, exactly as written', async () => {
      const category = silence('s-cat', '2024-03-01T09:00:00+01:00', '2024-03-01T12:00:00+01:00', { matcher: { category: 'Growth' }, createdBy: 'bob' });
      const kpi = silence('s-kpi', '2024-03-01T09:00:00Z', '2024-03-01T11:00:00Z');
      const old = silence('s-old', '2024-02-01T00:00:00Z', '2024-02-01T02:00:00Z');
      for (const s of [kpi, old, category]) expect(await store.addSilence(s)).toBe(true);

      expect(await store.listSilences({ endsAfter: '2024-03-01T10:00:00Z' })).toEqual([kpi, category]);
      // 11:00Z is s-kpi's end: it is over at that instant; s-cat ends at 11:00Z too (12:00+01:00).
      expect(ids(await store.listSilences({ endsAfter: '2024-03-01T11:00:00Z' }))).toEqual([]);
      expect(ids(await store.listSilences({ endsAfter: '2024-01-31T00:00:00Z' }))).toEqual(['s-kpi', 's-cat', 's-old']);
    });

    it('adds idempotently: an id already present keeps what it was', async () => {
      const first = silence('s1', '2024-03-01T00:00:00Z', '2024-03-02T00:00:00Z');
      expect(await store.addSilence(first)).toBe(true);
      expect(await store.addSilence({ ...first, reason: 'something else', endsAt: '2024-04-01T00:00:00Z' })).toBe(false);
      expect(await store.listSilences({ endsAfter: '2024-01-01T00:00:00Z' })).toEqual([first]);
    });

    it('removing ends a silence at that instant and keeps it for the listing; an ended one is left as it is', async () => {
      await store.addSilence(silence('s1', '2024-03-01T00:00:00Z', '2024-03-01T06:00:00Z'));
      const removed = await store.removeSilence('s1', '2024-03-01T02:00:00+01:00');
      expect(removed).toEqual(silence('s1', '2024-03-01T00:00:00Z', '2024-03-01T02:00:00+01:00', { removedAt: '2024-03-01T02:00:00+01:00' }));
      expect(await store.listSilences({ endsAfter: '2024-03-01T00:59:59Z' })).toEqual([removed]);
      expect(await store.listSilences({ endsAfter: '2024-03-01T01:00:00Z' })).toEqual([]);

      // Removing it again, or one that ran out on its own, changes nothing.
      expect(await store.removeSilence('s1', '2024-03-01T03:00:00Z')).toEqual(removed);
      await store.addSilence(silence('s2', '2024-03-01T00:00:00Z', '2024-03-01T01:00:00Z'));
      expect(await store.removeSilence('s2', '2024-03-01T05:00:00Z')).toEqual(silence('s2', '2024-03-01T00:00:00Z', '2024-03-01T01:00:00Z'));
      expect(await store.removeSilence('nope', '2024-03-01T05:00:00Z')).toBeUndefined();
    });

    it('refuses a silence without exactly one matcher, with bad instants, or without reason or author', async () => {
      const ok = silence('s', '2024-03-01T00:00:00Z', '2024-03-01T01:00:00Z');
      const bad: [Silence, RegExp][] = [
        [{ ...ok, matcher: {} as Silence['matcher'] }, /exactly one of a KPI or a category/],
        [{ ...ok, matcher: { kpi: 'a', category: 'b' } as unknown as Silence['matcher'] }, /exactly one of a KPI or a category/],
        [{ ...ok, endsAt: 'soon' }, /endsAt "soon" is not an ISO instant/],
        [{ ...ok, endsAt: ok.startsAt }, /ends .* before it starts/],
        [{ ...ok, reason: ' ' }, /needs a reason and who added it/],
      ];
      for (const [input, message] of bad)
        await expect(store.addSilence(input)).rejects.toMatchObject({ code: 'KS_ERR_INTERNAL', message: expect.stringMatching(message) });
      await expect(store.listSilences({ endsAfter: 'now' })).rejects.toThrow(/endsAfter "now" is not an ISO instant/);
      await expect(store.removeSilence('s', 'now')).rejects.toThrow(/at "now" is not an ISO instant/);
      expect(await store.listSilences({ endsAfter: '2000-01-01T00:00:00Z' })).toEqual([]);
    });
  });

  describe('silenced outbox entries', () => {
    it('are kept with why, never handed out again, and listed by status', async () => {
      await store.enqueueOutbox([outboxEntry('a', '2024-03-01T00:00:00Z'), outboxEntry('b', '2024-03-01T00:00:01Z')]);
      const silenced = { ...(await store.getOutbox('a'))!, status: 'silenced' as const, lastError: 'silenced by s1 (kpi churn, alice): planned migration' };
      await store.updateOutbox(silenced);
      expect(await store.getOutbox('a')).toEqual(silenced);
      expect(ids(await store.dueOutbox('2024-03-02T00:00:00Z', 10))).toEqual(['b']);
      expect(ids(await store.listOutbox({ status: ['silenced'] }))).toEqual(['a']);
      expect(await store.enqueueOutbox([outboxEntry('c', '2024-03-01T00:00:02Z', { status: 'silenced' })])).toBe(1);
    });

    it('are pruned like delivered ones once created before the cutoff', async () => {
      await store.enqueueOutbox([
        outboxEntry('old', '2024-01-01T00:00:00Z', { status: 'silenced' }),
        outboxEntry('recent', '2024-02-10T00:00:00Z', { status: 'silenced' }),
        outboxEntry('failed', '2024-01-01T00:00:01Z', { status: 'failed' }),
      ]);
      const options = {
        runsBefore: '2000-01-01T00:00:00Z',
        deliveredBefore: '2024-02-01T00:00:00Z',
        abandonedBefore: '2000-01-01T00:00:00Z',
        now: '2024-03-01T00:00:00Z',
      };
      expect(await store.pruneHistory(options)).toEqual({ runsDeleted: 0, outboxDeleted: 1, runsAbandoned: 0 });
      expect(ids(await store.listOutbox())).toEqual(['recent', 'failed']);
    });
  });
}
