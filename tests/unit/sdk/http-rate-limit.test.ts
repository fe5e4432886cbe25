import { afterEach, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../../src/sdk/errors.ts';
import { createHttpClient } from '../../../src/sdk/http.ts';
import { fastClient, rejection } from './http-test-client.ts';
import { json, startServer, type Loopback } from './loopback-server.ts';

let server: Loopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('Retry-After and rate-limit budgets', () => {
  it('waits for Retry-After on 503 before retrying', async () => {
    server = await startServer((_req, res, n) => (n === 1 ? json(res, 503, {}, { 'retry-after': '1' }) : json(res, 200, [])));
    const { client, slept, events } = fastClient();
    await client.request({ url: server.url });
    expect(slept).toEqual([1000]);
    expect(events[1]?.waitedMs).toBe(1000);
  });

  it('really sleeps for a short Retry-After when no sleep is injected', async () => {
    server = await startServer((_req, res, n) => (n === 1 ? json(res, 429, {}, { 'retry-after': '1' }) : json(res, 200, [])));
    const client = createHttpClient({ baseDelayMs: 1 });
    const started = Date.now();
    await client.request({ url: server.url });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(server.seen).toHaveLength(2);
  });

  it('throws RateLimitedError without sleeping when Retry-After exceeds maxRetryAfterMs', async () => {
    const resetAt = new Date(Date.now() + 120_000).toUTCString();
    server = await startServer((_req, res) => json(res, 429, { message: 'slow down' }, { 'retry-after': resetAt }));
    const { client, slept } = fastClient({ maxRetryAfterMs: 60_000 });
    const err = await rejection(client.request({ url: server.url }));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBeGreaterThan(100_000);
    expect((err as RateLimitedError).retryAfterMs).toBeLessThanOrEqual(120_000);
    expect(slept).toEqual([]);
    expect(server.seen).toHaveLength(1);
  });

  it('waits for the rate-limit reset before the next request when remaining is at the reserve', async () => {
    const now = 1_000_000;
    server = await startServer((_req, res, n) => json(res, 200, { n }, { 'x-remaining': n === 1 ? '3' : '0' }));
    const { client, slept, events } = fastClient({
      now: () => now,
      rateLimit: (headers, at) => ({ remaining: Number(headers['x-remaining']), resetAt: at + 5_000 }),
    });
    await client.request({ url: server.url });
    await client.request({ url: server.url }); // remaining 3 > reserve 1: no wait
    expect(slept).toEqual([]);
    await client.request({ url: server.url }); // the last response said remaining 0
    expect(slept).toEqual([5_000]);
    expect(events.map((e) => e.waitedMs)).toEqual([undefined, undefined, 5_000]);
    expect(server.seen).toHaveLength(3);
  });

  it('uses the rate-limit reset for a 429 without Retry-After', async () => {
    const now = 2_000_000;
    server = await startServer((_req, res, n) => (n === 1 ? json(res, 429, {}, { 'x-reset': String(now + 7_000) }) : json(res, 200, {})));
    const { client, slept } = fastClient({
      now: () => now,
      rateLimit: (headers) => (headers['x-reset'] ? { remaining: 0, resetAt: Number(headers['x-reset']) } : undefined),
    });
    await client.request({ url: server.url });
    expect(slept).toEqual([7_000]);
  });

  it('turns a 503 Retry-After beyond maxRetryAfterMs into RateLimitedError', async () => {
    server = await startServer((_req, res) => json(res, 503, {}, { 'retry-after': '600' }));
    const { client, slept } = fastClient();
    const err = await rejection(client.request({ url: server.url }));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(600_000);
    expect(slept).toEqual([]);
  });

  it('does not send when the budget reset is further away than maxRetryAfterMs', async () => {
    server = await startServer((_req, res) => json(res, 200, {}, { 'x-remaining': '0' }));
    const { client } = fastClient({ rateLimit: (h, at) => ({ remaining: Number(h['x-remaining']), resetAt: at + 3_600_000 }) });
    await client.request({ url: server.url });
    const err = await rejection(client.request({ url: server.url }));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as Error).message).toContain('rate-limit budget spent');
    expect(server.seen).toHaveLength(1);
  });
});
