import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { dp } from './contract-data.ts';

/** Datapoint behaviour of the Store contract; `current` returns the store of the running test. */
export function defineDatapointContract(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('datapoints', () => {
    it('writes new points, skips identical ones and keeps the first observation of an unchanged value', async () => {
      const first = [dp('mrr', '2024-01-01T00:00:00Z', 10), dp('mrr', '2024-02-01T00:00:00Z', 20)];
      expect(await store.upsertDatapoints(first)).toEqual({ written: 2, skipped: 0 });

      const again = first.map((p) => ({ ...p, observedAt: '2024-02-05T00:00:00Z' }));
      expect(await store.upsertDatapoints(again)).toEqual({ written: 0, skipped: 2 });
      expect(await store.listDatapoints('mrr')).toEqual(first);
    });

    it('replaces a changed value, source or approximate flag', async () => {
      await store.upsertDatapoints([dp('mrr', '2024-01-01T00:00:00Z', 10), dp('mrr', '2024-02-01T00:00:00Z', 20)]);
      const changed = [
        dp('mrr', '2024-01-01T00:00:00Z', 11, { observedAt: '2024-02-03T00:00:00Z' }),
        dp('mrr', '2024-02-01T00:00:00Z', 20, { approximate: true, source: 'sf-eu' }),
      ];
      expect(await store.upsertDatapoints(changed)).toEqual({ written: 2, skipped: 0 });
      expect(await store.listDatapoints('mrr')).toEqual(changed);
    });

    it('treats the same instant written with another offset as the same period', async () => {
      await store.upsertDatapoints([dp('mrr', '2024-03-01T00:00:00+01:00', 10)]);
      const utc = dp('mrr', '2024-02-29T23:00:00Z', 12);
      expect(await store.upsertDatapoints([utc])).toEqual({ written: 1, skipped: 0 });
      expect(await store.listDatapoints('mrr')).toEqual([utc]);
    });

    it('keeps the last of two points for one period within a batch', async () => {
      await store.upsertDatapoints([dp('mrr', '2024-01-01T00:00:00Z', 1), dp('mrr', '2024-01-01T00:00:00Z', 2)]);
      expect((await store.listDatapoints('mrr')).map((p) => p.value)).toEqual([2]);
    });

    it('leaves existing closed periods alone, inserts missing ones and updates open ones', async () => {
      await store.upsertDatapoints([dp('mrr', '2024-01-01T00:00:00Z', 10), dp('mrr', '2024-03-01T00:00:00Z', 30)]);
      const result = await store.upsertDatapoints(
        [
          dp('mrr', '2024-01-01T00:00:00Z', 99), // closed, exists: kept
          dp('mrr', '2024-02-01T00:00:00Z', 20), // closed, missing: inserted
          dp('mrr', '2024-03-01T00:00:00Z', 31), // open: updated
        ],
        { closedBefore: '2024-03-01T00:00:00Z' },
      );
      expect(result).toEqual({ written: 2, skipped: 1 });
      expect((await store.listDatapoints('mrr')).map((p) => p.value)).toEqual([10, 20, 31]);
    });

    it('compares closedBefore as an instant, not as text', async () => {
      // 2024-03-01T00:00+01:00 is 2024-02-29T23:00Z: before the bound although it sorts after it as text.
      await store.upsertDatapoints([dp('mrr', '2024-03-01T00:00:00+01:00', 10)]);
      const result = await store.upsertDatapoints([dp('mrr', '2024-03-01T00:00:00+01:00', 11)], {
        closedBefore: '2024-03-01T00:00:00Z',
      });
      expect(result).toEqual({ written: 0, skipped: 1 });
    });

    it('rewrites closed periods when rewriteClosed is set (backfill)', async () => {
      await store.upsertDatapoints([dp('mrr', '2024-01-01T00:00:00Z', 10)]);
      const result = await store.upsertDatapoints([dp('mrr', '2024-01-01T00:00:00Z', 99)], {
        closedBefore: '2024-03-01T00:00:00Z',
        rewriteClosed: true,
      });
      expect(result).toEqual({ written: 1, skipped: 0 });
      expect((await store.latestDatapoint('mrr'))?.value).toBe(99);
    });

    it('writes nothing from a batch that holds an invalid point', async () => {
      await expect(store.upsertDatapoints([dp('mrr', '2024-01-01T00:00:00Z', 1), dp('mrr', 'not a date', 2)])).rejects.toThrow(/not a date/);
      await expect(store.upsertDatapoints([dp('mrr', '2024-02-01T00:00:00Z', Number.NaN)])).rejects.toThrow();
      expect(await store.listDatapoints('mrr')).toEqual([]);
    });

    it('accepts an empty batch', async () => {
      expect(await store.upsertDatapoints([])).toEqual({ written: 0, skipped: 0 });
    });

    it('orders periods by instant across a DST change', async () => {
      // Europe/Berlin days around the spring-forward (+01:00 → +02:00) and fall-back changes.
      const periods = [
        '2024-10-28T00:00:00+01:00',
        '2024-03-31T00:00:00+01:00',
        '2024-04-01T00:00:00+02:00',
        '2024-10-27T00:00:00+02:00',
        '2024-03-30T00:00:00+01:00',
      ];
      await store.upsertDatapoints(periods.map((p, i) => dp('visits', p, i)));
      expect((await store.listDatapoints('visits')).map((p) => p.period)).toEqual([
        '2024-03-30T00:00:00+01:00',
        '2024-03-31T00:00:00+01:00',
        '2024-04-01T00:00:00+02:00',
        '2024-10-27T00:00:00+02:00',
        '2024-10-28T00:00:00+01:00',
      ]);
      // UTC bounds: 2024-03-31T00:00+01:00 is 2024-03-30T23:00Z, before `from` though its text sorts after it.
      const bounded = await store.listDatapoints('visits', { from: '2024-03-30T23:30:00Z', to: '2024-10-27T22:30:00Z' });
      expect(bounded.map((p) => p.period)).toEqual(['2024-04-01T00:00:00+02:00', '2024-10-27T00:00:00+02:00']);
    });

    it('orders and filters by instant where text order disagrees', async () => {
      const tokyo = dp('k', '2024-01-01T01:00:00+09:00', 1); // 2023-12-31T16:00Z
      const newYork = dp('k', '2024-01-01T00:00:00-05:00', 2); // 2024-01-01T05:00Z
      await store.upsertDatapoints([newYork, tokyo]);
      expect(await store.listDatapoints('k')).toEqual([tokyo, newYork]);
      expect(await store.latestDatapoint('k')).toEqual(newYork);
      expect(await store.listDatapoints('k', { from: '2024-01-01T00:00:00Z' })).toEqual([newYork]);
      expect(await store.listDatapoints('k', { to: '2024-01-01T00:00:00Z' })).toEqual([tokyo]);
      expect(await store.listDatapoints('k', { limit: 1 })).toEqual([newYork]);
    });

    it('applies from (inclusive), to (exclusive) and limit (most recent, oldest first)', async () => {
      const months = ['01', '02', '03', '04', '05', '06'].map((m, i) => dp('mrr', `2024-${m}-01T00:00:00Z`, i));
      await store.upsertDatapoints(months);
      const values = async (query: Parameters<Store['listDatapoints']>[1]) => (await store.listDatapoints('mrr', query)).map((p) => p.value);

      expect(await values({})).toEqual([0, 1, 2, 3, 4, 5]);
      expect(await values({ from: '2024-02-01T00:00:00Z' })).toEqual([1, 2, 3, 4, 5]);
      expect(await values({ to: '2024-04-01T00:00:00Z' })).toEqual([0, 1, 2]);
      expect(await values({ from: '2024-02-01T00:00:00Z', to: '2024-05-01T00:00:00Z' })).toEqual([1, 2, 3]);
      expect(await values({ limit: 2 })).toEqual([4, 5]);
      expect(await values({ limit: 2, to: '2024-04-01T00:00:00Z' })).toEqual([1, 2]);
      expect(await values({ limit: 2, from: '2024-05-15T00:00:00Z' })).toEqual([5]);
      expect(await values({ limit: 100 })).toEqual([0, 1, 2, 3, 4, 5]);
      expect(await values({ limit: 0 })).toEqual([]);
    });

    it('returns the latest datapoint, or undefined for an unknown KPI', async () => {
      expect(await store.latestDatapoint('mrr')).toBeUndefined();
      expect(await store.listDatapoints('mrr')).toEqual([]);
      const latest = dp('mrr', '2024-03-01T00:00:00Z', 3, { approximate: true });
      await store.upsertDatapoints([latest, dp('mrr', '2024-01-01T00:00:00Z', 1)]);
      expect(await store.latestDatapoint('mrr')).toEqual(latest);
    });

    it('keeps KPIs apart, including names that prefix one another or hold separators', async () => {
      const kpis = ['a', 'ab', 'a:b', 'a b', 'a*'];
      await store.upsertDatapoints(kpis.map((kpi, i) => dp(kpi, '2024-01-01T00:00:00Z', i)));
      await store.upsertDatapoints([dp('ab', '2024-02-01T00:00:00Z', 100)]);
      for (const [i, kpi] of kpis.entries()) {
        const expected = kpi === 'ab' ? [1, 100] : [i];
        expect((await store.listDatapoints(kpi)).map((p) => p.value)).toEqual(expected);
      }
      expect((await store.latestDatapoint('a'))?.value).toBe(0);
    });

    it('applies concurrent batches for one KPI without losing any', async () => {
      const batches = Array.from({ length: 10 }, (_, b) =>
        Array.from({ length: 20 }, (_, i) => dp('load', new Date(Date.UTC(2024, 0, 1 + b * 20 + i)).toISOString(), i)),
      );
      const results = await Promise.all(batches.map((batch) => store.upsertDatapoints(batch)));
      expect(results.reduce((sum, r) => sum + r.written, 0)).toBe(200);
      expect(await store.listDatapoints('load')).toHaveLength(200);
    });
  });
}
