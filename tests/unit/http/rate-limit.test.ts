import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import http from '../../../connectors/http/index.ts';
import { readRateLimit } from '../../../connectors/http/rate-limit.ts';
import { connection, context, query } from './http-mocks.ts';
import { startLoopbackApi, type LoopbackApi } from './loopback-server.ts';

let api: LoopbackApi;
beforeAll(async () => {
  api = await startLoopbackApi();
});
afterEach(() => api.reset());
afterAll(async () => {
  await api.close();
});

const NOW = Date.parse('2026-01-15T10:00:00Z');

describe('readRateLimit', () => {
  it('reads the IETF draft pair, whose reset is delta-seconds', () => {
    expect(readRateLimit({ 'ratelimit-remaining': '0', 'ratelimit-reset': '5' }, NOW)).toEqual({ remaining: 0, resetAt: NOW + 5_000 });
  });

  it('reads the X- pair with a reset in Unix seconds (GitHub), delta-seconds or Unix ms', () => {
    expect(readRateLimit({ 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': String(NOW / 1000 + 30) }, NOW)).toEqual({ remaining: 1, resetAt: NOW + 30_000 });
    expect(readRateLimit({ 'x-ratelimit-remaining': '4', 'x-ratelimit-reset': '12' }, NOW)).toEqual({ remaining: 4, resetAt: NOW + 12_000 });
    expect(readRateLimit({ 'x-ratelimit-remaining': '4', 'x-ratelimit-reset': String(NOW + 2_000) }, NOW)).toEqual({ remaining: 4, resetAt: NOW + 2_000 });
    expect(readRateLimit({ 'x-ratelimit-remaining': '4', 'x-ratelimit-reset': 'Thu, 15 Jan 2026 10:01:00 GMT' }, NOW)).toEqual({
      remaining: 4,
      resetAt: NOW + 60_000,
    });
  });

  it('says nothing without both a count and a readable reset', () => {
    expect(readRateLimit({ 'x-ratelimit-remaining': '4' }, NOW)).toBeUndefined();
    expect(readRateLimit({ 'x-ratelimit-remaining': 'many', 'x-ratelimit-reset': '3' }, NOW)).toBeUndefined();
    expect(readRateLimit({ 'x-ratelimit-remaining': '4', 'x-ratelimit-reset': 'soon' }, NOW)).toBeUndefined();
    expect(readRateLimit({}, NOW)).toBeUndefined();
  });
});

describe('http rate limits: the client waits before the limit is hit (no real sleeping)', () => {
  /** Two linked pages; the first says how much budget is left. */
  function pages(budget: Record<string, string>): void {
    api.on('GET', '/v1/items', (request) =>
      request.query.get('page') === '2' ? { body: { items: [2] } } : { headers: { ...budget, link: `</v1/items?page=2>; rel="next"` }, body: { items: [1] } },
    );
  }

  async function run() {
    const conn = connection(api.url);
    const { ctx, sleeps } = context({ conn, httpOptions: { now: () => NOW } });
    const values = await http.fetch(conn, query({ path: '/v1/items', pick: { jsonpath: '$.items[*]' }, aggregate: 'sum', pagination: { type: 'link' } }), ctx);
    return { values, sleeps };
  }

  it('X-RateLimit-Remaining at the reserve: waits until X-RateLimit-Reset before the next page', async () => {
    pages({ 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': String(NOW / 1000 + 30) });
    const { values, sleeps } = await run();
    expect(values[0]!.value).toBe(3);
    expect(sleeps).toEqual([30_000]);
    expect(api.received).toHaveLength(2);
  });

  it('RateLimit-Remaining: 0 waits RateLimit-Reset seconds', async () => {
    pages({ 'ratelimit-limit': '10', 'ratelimit-remaining': '0', 'ratelimit-reset': '5' });
    const { sleeps } = await run();
    expect(sleeps).toEqual([5_000]);
  });

  it('budget left: no wait', async () => {
    pages({ 'x-ratelimit-remaining': '59', 'x-ratelimit-reset': String(NOW / 1000 + 30) });
    const { sleeps } = await run();
    expect(sleeps).toEqual([]);
  });

  it('a 429 is retried after its Retry-After', async () => {
    let calls = 0;
    api.on('GET', '/v1/total', () =>
      (calls += 1) === 1 ? { status: 429, headers: { 'retry-after': '7' }, body: { message: 'slow down' } } : { body: { total: 5 } },
    );
    const conn = connection(api.url);
    const { ctx, sleeps } = context({ conn, httpOptions: { attempts: 3, now: () => NOW } });
    expect(await http.fetch(conn, query({ path: '/v1/total', pick: { jsonpath: '$.total' } }), ctx)).toHaveLength(1);
    expect(sleeps).toEqual([7_000]);
  });
});
