import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import http from '../../../connectors/http/index.ts';
import { readPicked } from '../../../connectors/http/map.ts';
import { connection, context, fixture, NOVEMBER, query } from './http-mocks.ts';
import { startLoopbackApi, type LoopbackApi } from './loopback-server.ts';

let api: LoopbackApi;
beforeAll(async () => {
  api = await startLoopbackApi();
});
afterEach(() => api.reset());
afterAll(async () => {
  await api.close();
});

async function pick(body: unknown, settings: Record<string, unknown>, options: { mode?: 'current' | 'backfill'; window?: typeof NOVEMBER } = {}) {
  api.on('GET', '/v1/data', () => ({ body }));
  const conn = connection(api.url);
  const { ctx } = context({ conn, ...options });
  const values = await http.fetch(conn, query({ path: '/v1/data', ...settings }), ctx);
  return { values, ctx };
}

describe('http pick: jsonpath', () => {
  it('one number is the value, at the period start, for one request', async () => {
    const { values } = await pick(fixture('github-search-issues.json'), { pick: { jsonpath: '$.total_count' } });
    expect(values).toEqual([{ value: 42, at: NOVEMBER.start }]);
    expect(api.received).toHaveLength(1);
  });

  it('a numeric string is a number', async () => {
    expect((await pick({ data: { revenue: '1234.50' } }, { pick: { jsonpath: '$.data.revenue' } })).values[0]!.value).toBe(1234.5);
  });

  it('several numbers need an aggregate', async () => {
    const body = fixture('stripe-charges-search-1.json');
    await expect(pick(body, { pick: { jsonpath: '$.data[*].amount' } })).rejects.toMatchObject({
      code: 'KS_ERR_QUERY',
      message: '$.data[*].amount picked 2 numbers; set aggregate (sum, count, avg, min, max or last) to combine them',
    });
    api.reset();
    expect((await pick(body, { pick: { jsonpath: '$.data[*].amount' }, aggregate: 'sum' })).values[0]!.value).toBe(3700);
  });

  it('nothing matched is a QueryError, unless an aggregate says what nothing is worth', async () => {
    await expect(pick({ data: {} }, { pick: { jsonpath: '$.data.total' } })).rejects.toMatchObject({
      code: 'KS_ERR_QUERY',
      message: expect.stringContaining('$.data.total matched nothing in the response'),
    });
    api.reset();
    expect((await pick({ items: [] }, { pick: { jsonpath: '$.items[*].n' }, aggregate: 'sum' })).values).toEqual([{ value: 0, at: NOVEMBER.start }]);
    api.reset();
    const avg = await pick({ items: [] }, { pick: { jsonpath: '$.items[*].n' }, aggregate: 'avg' });
    expect(avg.values).toEqual([]);
    expect(avg.ctx.diagnostics.counters.emptyResults).toBe(1);
  });

  it('an empty body picks nothing', async () => {
    await expect(pick('', { pick: { jsonpath: '$.total' } })).rejects.toMatchObject({
      code: 'KS_ERR_QUERY',
      message: expect.stringContaining('matched nothing'),
    });
    api.reset();
    expect((await pick('', { pick: { jsonata: 'total' }, aggregate: 'count' })).values[0]!.value).toBe(0);
  });

  it('text, an object or a non-finite number is refused with where it came from', async () => {
    await expect(pick({ total: 'n/a' }, { pick: { jsonpath: '$.total' } })).rejects.toMatchObject({
      code: 'KS_ERR_QUERY',
      message: expect.stringContaining('$.total is "n/a", not a number'),
    });
    api.reset();
    // JSON.parse reads 1e400 as Infinity.
    await expect(pick('{"total": 1e400}', { pick: { jsonpath: '$.total' } })).rejects.toMatchObject({
      code: 'KS_ERR_QUERY',
      message: expect.stringContaining('not a finite number'),
    });
  });
});

describe('http pick: jsonata', () => {
  it('computes the value in the expression', async () => {
    const { values } = await pick(fixture('stripe-charges-search-1.json'), { pick: { jsonata: '$sum(data[status="succeeded"].amount) / 100' } });
    expect(values).toEqual([{ value: 25, at: NOVEMBER.start }]);
  });

  it("a runtime error is a QueryError with JSONata's code and words", async () => {
    await expect(pick({ a: 'x' }, { pick: { jsonata: 'a + 1' } })).rejects.toMatchObject({
      code: 'KS_ERR_QUERY',
      message: expect.stringMatching(/^pick\.jsonata failed on the response: T2001 /),
    });
  });

  it('builds a series of pairs', async () => {
    const body = {
      rows: [
        { day: '2025-11-02', n: 3 },
        { day: '2025-11-03', n: 4 },
      ],
    };
    const { values } = await pick(body, { pick: { jsonata: 'rows.[day, n]' } });
    expect(values).toEqual([
      { value: 3, at: '2025-11-02T00:00:00.000Z' },
      { value: 4, at: '2025-11-03T00:00:00.000Z' },
    ]);
  });
});

describe('http pick: series for a backfill', () => {
  it('objects with configured at/value fields, Unix seconds, keeping the points inside the window', async () => {
    const { values, ctx } = await pick(
      fixture('github-commit-activity.json'),
      { pick: { jsonpath: '$[*]', at: 'week', value: 'total' } },
      { mode: 'backfill' },
    );
    expect(values).toEqual([
      { value: 35, at: '2025-11-02T00:00:00.000Z' },
      { value: 35, at: '2025-11-09T00:00:00.000Z' },
      { value: 15, at: '2025-11-16T00:00:00.000Z' },
      { value: 15, at: '2025-11-23T00:00:00.000Z' },
      // 00:00 UTC on the 30th is 01:00 in Paris: still November.
      { value: 0, at: '2025-11-30T00:00:00.000Z' },
    ]);
    // The week of 26 October is before the window.
    expect(ctx.diagnostics.counters.pointsOutsideWindow).toBe(1);
  });

  it('[instant, value] pairs in ms and ISO', async () => {
    const body = {
      series: [
        [Date.parse('2025-11-05T10:00:00Z'), '7'],
        ['2025-11-06T10:00:00+01:00', 8],
      ],
    };
    const { values } = await pick(body, { pick: { jsonpath: '$.series' } });
    expect(values).toEqual([
      { value: 7, at: '2025-11-05T10:00:00.000Z' },
      { value: 8, at: '2025-11-06T09:00:00.000Z' },
    ]);
  });

  it('an aggregate does not apply to points', async () => {
    await expect(
      pick(fixture('github-commit-activity.json'), { pick: { jsonpath: '$[*]', at: 'week', value: 'total' }, aggregate: 'sum' }),
    ).rejects.toMatchObject({
      code: 'KS_ERR_QUERY',
      message: expect.stringContaining('normalize.aggregate combines points per period'),
    });
  });

  it('objects without the fields name the fields to set', async () => {
    await expect(pick([{ week: 1762041600, count: 3 }], { pick: { jsonpath: '$[*]', at: 'week' } })).rejects.toMatchObject({
      code: 'KS_ERR_QUERY',
      message: expect.stringContaining('an object without "week" and "value" (keys: week, count); set pick.at and pick.value'),
    });
  });
});

describe('readPicked, pure', () => {
  const fields = { at: 'at', value: 'value' };
  it('tells numbers, points and nothing apart', () => {
    expect(readPicked(undefined, fields, 'x')).toEqual({ kind: 'nothing' });
    expect(readPicked([], fields, 'x')).toEqual({ kind: 'nothing' });
    expect(readPicked(5, fields, 'x')).toEqual({ kind: 'numbers', values: [5] });
    expect(readPicked(['1', 2.5], fields, 'x')).toEqual({ kind: 'numbers', values: [1, 2.5] });
    expect(readPicked({ at: 1762041600, value: 3 }, fields, 'x')).toEqual({ kind: 'points', points: [{ at: '2025-11-02T00:00:00.000Z', value: 3 }] });
  });

  it('refuses a bad instant', () => {
    expect(() => readPicked([['soon', 1]], fields, 'x')).toThrow('x: item 0: "soon" is not an instant');
  });
});
