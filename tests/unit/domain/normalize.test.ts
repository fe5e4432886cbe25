import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { normalize, type NormalizeInput } from '../../../src/domain/normalize.ts';
import type { Interval, RawReading } from '../../../src/domain/types.ts';

const OBSERVED = '2026-03-30T10:00:00.000Z';

function input(raw: RawReading[], overrides: Partial<NormalizeInput> = {}): NormalizeInput {
  return {
    kpi: 'mrr',
    source: 'sf',
    observedAt: OBSERVED,
    interval: 'day',
    timeZone: 'Europe/Oslo',
    defaultPeriod: '2026-03-30T00:00:00.000+02:00',
    raw,
    ...overrides,
  };
}

const values = (raw: RawReading[], overrides: Partial<NormalizeInput> = {}): Array<[string, number]> =>
  normalize(input(raw, overrides)).datapoints.map((p) => [p.period, p.value]);

describe('normalize', () => {
  it('puts readings without `at` in the default period', () => {
    const { datapoints, dropped } = normalize(input([{ value: 42 }]));
    expect(dropped).toEqual([]);
    expect(datapoints).toEqual([{ kpi: 'mrr', period: '2026-03-30T00:00:00.000+02:00', value: 42, observedAt: OBSERVED, source: 'sf' }]);
  });

  it('canonicalizes a default period given as any instant inside it', () => {
    expect(values([{ value: 1 }], { defaultPeriod: '2026-03-30T13:00:00Z' })).toEqual([['2026-03-30T00:00:00.000+02:00', 1]]);
    expect(values([{ value: 1 }], { defaultPeriod: '2026-03-30' })).toEqual([['2026-03-30T00:00:00.000+02:00', 1]]);
  });

  it('buckets readings by the local day of `at` and merges them with the default period', () => {
    const raw = [
      { value: 1, at: '2026-03-29T21:59:00Z' }, // 23:59 on the 29th in Oslo
      { value: 2, at: '2026-03-29T22:00:00Z' }, // 00:00 on the 30th
      { value: 3 },
    ];
    expect(values(raw, { spec: { aggregate: 'sum' } })).toEqual([
      ['2026-03-29T00:00:00.000+01:00', 1],
      ['2026-03-30T00:00:00.000+02:00', 5],
    ]);
    expect(values([...raw].reverse(), { spec: { aggregate: 'sum' } })).toEqual([
      ['2026-03-29T00:00:00.000+01:00', 1],
      ['2026-03-30T00:00:00.000+02:00', 5],
    ]);
  });

  it('aggregates sum, avg, min, max and count', () => {
    const raw = [{ value: 4 }, { value: -2 }, { value: 10 }, { value: 0 }];
    expect(values(raw, { spec: { aggregate: 'sum' } })[0]![1]).toBe(12);
    expect(values(raw, { spec: { aggregate: 'avg' } })[0]![1]).toBe(3);
    expect(values(raw, { spec: { aggregate: 'min' } })[0]![1]).toBe(-2);
    expect(values(raw, { spec: { aggregate: 'max' } })[0]![1]).toBe(10);
    expect(values(raw, { spec: { aggregate: 'count' } })[0]![1]).toBe(4);
  });

  it('takes the latest `at` for last (the default), later position winning ties', () => {
    const raw = [
      { value: 1, at: '2026-03-30T09:00:00+02:00' },
      { value: 2, at: '2026-03-30T08:00:00+02:00' },
      { value: 3, at: '2026-03-30T07:00:00Z' }, // same instant as the first
      { value: 4, at: '2026-03-30T05:00:00+02:00' },
    ];
    expect(values(raw)).toEqual([['2026-03-30T00:00:00.000+02:00', 3]]);
    expect(values(raw.slice(0, 2))).toEqual([['2026-03-30T00:00:00.000+02:00', 1]]);
  });

  it('counts a reading without `at` as read at observedAt for last', () => {
    const raw = [{ value: 7 }, { value: 8, at: '2026-03-30T11:00:00+02:00' }];
    // 11:00 Oslo is 09:00Z, before observedAt (10:00Z): the untimed reading is newer.
    expect(values(raw)).toEqual([['2026-03-30T00:00:00.000+02:00', 7]]);
    expect(values([{ value: 7 }, { value: 8, at: '2026-03-30T12:00:00Z' }])).toEqual([['2026-03-30T00:00:00.000+02:00', 8]]);
  });

  it('scales, then rounds half away from zero', () => {
    expect(values([{ value: 100.5 }], { spec: { scale: 0.01, round: 2 } })[0]![1]).toBe(1.01);
    expect(values([{ value: -250 }], { spec: { scale: 0.01, round: 0 } })[0]![1]).toBe(-3);
    expect(values([{ value: 0.1234 }], { spec: { scale: 100, round: 1 } })[0]![1]).toBe(12.3);
    expect(values([{ value: 1.005 }], { spec: { round: 2 } })[0]![1]).toBe(1.01);
  });

  it('sums without float drift', () => {
    const raw = Array.from({ length: 1000 }, () => ({ value: 0.1 }));
    expect(values(raw, { spec: { aggregate: 'sum' } })[0]![1]).toBe(100);
    expect(values(raw, { spec: { aggregate: 'avg' } })[0]![1]).toBe(0.1);
  });

  it('drops non-finite values and unreadable `at`, naming the reading, and never throws', () => {
    const raw = [
      { value: 1, at: '2026-03-30T10:00:00Z' },
      { value: Number.NaN },
      { value: Number.POSITIVE_INFINITY },
      { value: '5' as unknown as number },
      { value: 2, at: 'not a date' },
      { value: 3, at: '2026-02-30T00:00:00Z' },
      { value: 4, at: 17 as unknown as string },
      { value: null as unknown as number },
      { value: 5 },
    ];
    const { datapoints, dropped } = normalize(input(raw, { spec: { aggregate: 'sum' } }));
    expect(datapoints.map((p) => p.value)).toEqual([6]);
    expect(dropped).toEqual([
      { index: 1, reason: 'value NaN is not a finite number' },
      { index: 2, reason: 'value Infinity is not a finite number' },
      { index: 3, reason: 'value "5" is not a finite number' },
      { index: 4, reason: '"at" "not a date" is not an ISO date or date-time' },
      { index: 5, reason: '"at" "2026-02-30T00:00:00Z" is not an ISO date or date-time' },
      { index: 6, reason: '"at" 17 is not an ISO date or date-time' },
      { index: 7, reason: 'value null is not a finite number' },
    ]);
  });

  it('drops a period whose aggregate overflows', () => {
    const raw = [{ value: 1.5e308 }, { value: 1.5e308 }, { value: 1, at: '2026-03-31T12:00:00Z' }];
    const { datapoints, dropped } = normalize(input(raw, { spec: { aggregate: 'sum' } }));
    expect(datapoints.map((p) => p.period)).toEqual(['2026-03-31T00:00:00.000+02:00']);
    expect(dropped).toEqual([{ index: 0, reason: 'sum of the 2 value(s) for period 2026-03-30T00:00:00.000+02:00 is not finite' }]);
    expect(normalize(input([{ value: 1e300 }], { spec: { scale: 1e10 } })).dropped).toHaveLength(1);
  });

  it('marks a datapoint approximate when any of its readings is', () => {
    const raw = [
      { value: 1, at: '2026-03-28T12:00:00Z', approximate: true },
      { value: 2, at: '2026-03-28T13:00:00Z' },
      { value: 3, at: '2026-03-27T12:00:00Z', approximate: false },
    ];
    const points = normalize(input(raw)).datapoints;
    expect(points.map((p) => p.approximate)).toEqual([undefined, true]);
    expect('approximate' in points[0]!).toBe(false);
  });

  it('sorts datapoints by period when readings arrive out of order', () => {
    const raw = [
      { value: 3, at: '2026-03-03T12:00:00Z' },
      { value: 1, at: '2026-03-01T12:00:00Z' },
      { value: 4, at: '2026-03-03T13:00:00Z' },
      { value: 2, at: '2026-03-02T12:00:00Z' },
      { value: 1.5, at: '2026-03-01T13:00:00Z' },
    ];
    expect(values(raw, { spec: { aggregate: 'sum' } })).toEqual([
      ['2026-03-01T00:00:00.000+01:00', 2.5],
      ['2026-03-02T00:00:00.000+01:00', 2],
      ['2026-03-03T00:00:00.000+01:00', 7],
    ]);
  });

  it('reads `at` without an offset as a wall time in the KPI zone', () => {
    const raw = [
      { value: 1, at: '2026-03-01' },
      { value: 2, at: '2026-03-01 23:30' },
      { value: 4, at: '2026-03-02T00:15:00' },
    ];
    expect(values(raw, { timeZone: 'America/New_York', spec: { aggregate: 'sum' } })).toEqual([
      ['2026-03-01T00:00:00.000-05:00', 3],
      ['2026-03-02T00:00:00.000-05:00', 4],
    ]);
  });

  it('buckets weeks, months and quarters across DST', () => {
    const raw = [
      { value: 1, at: '2026-03-28T12:00:00Z' },
      { value: 2, at: '2026-03-29T21:00:00Z' },
      { value: 4, at: '2026-03-29T22:30:00Z' },
      { value: 8, at: '2026-04-01T00:00:00+02:00' },
    ];
    const sum = { aggregate: 'sum' } as const;
    expect(values(raw, { interval: 'week', spec: sum })).toEqual([
      ['2026-03-23T00:00:00.000+01:00', 3],
      ['2026-03-30T00:00:00.000+02:00', 12],
    ]);
    expect(values(raw, { interval: 'month', spec: sum })).toEqual([
      ['2026-03-01T00:00:00.000+01:00', 7],
      ['2026-04-01T00:00:00.000+02:00', 8],
    ]);
    expect(values(raw, { interval: 'quarter', spec: sum })).toEqual([
      ['2026-01-01T00:00:00.000+01:00', 7],
      ['2026-04-01T00:00:00.000+02:00', 8],
    ]);
  });

  it('carries nothing from one call to the next', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({
      value: 1000 + i,
      at: `2026-01-${String((i % 28) + 1).padStart(2, '0')}T12:00:00Z`,
      approximate: true,
    }));
    normalize(input(many, { spec: { aggregate: 'max' } }));
    expect(normalize(input([{ value: 1, at: '2026-01-01T12:00:00Z' }], { spec: { aggregate: 'max' } })).datapoints).toEqual([
      { kpi: 'mrr', period: '2026-01-01T00:00:00.000+01:00', value: 1, observedAt: OBSERVED, source: 'sf' },
    ]);
    expect(values([{ value: -5, at: '2026-01-01T12:00:00Z' }], { spec: { aggregate: 'min' } })).toEqual([['2026-01-01T00:00:00.000+01:00', -5]]);
    expect(values([{ value: 3 }], { spec: { aggregate: 'count' } })).toEqual([['2026-03-30T00:00:00.000+02:00', 1]]);
  });

  it('handles a batch larger than the shared buffers', () => {
    const start = Date.parse('2000-01-01T12:00:00Z');
    const raw = Array.from({ length: 70_000 }, (_, i) => ({ value: 1, at: new Date(start + Math.floor(i / 2) * 86_400_000).toISOString() }));
    const { datapoints } = normalize(input(raw, { timeZone: 'UTC', spec: { aggregate: 'sum' } }));
    expect(datapoints).toHaveLength(35_000);
    expect(datapoints.every((p) => p.value === 2)).toBe(true);
    expect(datapoints[0]!.period).toBe('2000-01-01T00:00:00.000Z');
  });

  it('returns nothing for nothing, and throws for caller errors', () => {
    expect(normalize(input([]))).toEqual({ datapoints: [], dropped: [] });
    expect(() => normalize(input([{ value: 1 }], { timeZone: 'Nowhere/City' }))).toThrow(RangeError);
    expect(() => normalize(input([{ value: 1 }], { defaultPeriod: 'start' }))).toThrow(/defaultPeriod is not a date/);
    expect(() => normalize(input([{ value: 1 }], { spec: { aggregate: 'median' as never } }))).toThrow(/unknown aggregate/);
  });

  it('gives the same periods as luxon for thousands of random instants', () => {
    const luxonStart = (at: string, interval: Interval, zone: string): string => DateTime.fromISO(at, { zone }).startOf(interval).toISO()!;
    let seed = 7;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (const zone of ['Europe/Oslo', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu']) {
      for (const interval of ['day', 'week', 'month', 'quarter'] as const) {
        const raw = Array.from({ length: 300 }, (_, i) => ({
          value: i,
          at: new Date(Date.parse('2025-01-01T00:00:00Z') + random() * 730 * 86_400_000).toISOString(),
        }));
        const expected = new Map<string, number>();
        for (const r of raw) {
          const period = luxonStart(r.at, interval, zone);
          expected.set(period, (expected.get(period) ?? 0) + r.value);
        }
        const got = normalize(input(raw, { interval, timeZone: zone, spec: { aggregate: 'sum' } })).datapoints;
        expect(new Map(got.map((p) => [p.period, p.value]))).toEqual(expected);
        expect(got.map((p) => Date.parse(p.period))).toEqual([...got.map((p) => Date.parse(p.period))].sort((a, b) => a - b));
      }
    }
  });
});
