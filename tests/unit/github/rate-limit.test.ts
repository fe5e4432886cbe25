import { describe, expect, it } from 'vitest';
import { SECONDARY_WAIT_MS } from '../../../connectors/github/errors.ts';
import github from '../../../connectors/github/index.ts';
import { readGithubRateLimit, readGithubUsage } from '../../../connectors/github/rate-limit.ts';
import { RateLimitedError } from '../../../src/sdk/errors.ts';
import { fixture, makeContext, mockGet, nowSeconds, rateHeaders } from './github-mocks.ts';

const merged = github.querySchema.parse({ metric: 'merged_prs', repo: 'acme/widgets' });
const leadTime = github.querySchema.parse({ metric: 'pr_lead_time', repo: 'acme/widgets' });

describe('readGithubRateLimit', () => {
  it('reads x-ratelimit-remaining and the x-ratelimit-reset epoch seconds', () => {
    expect(readGithubRateLimit(rateHeaders(3, 1_900_000_060), 0)).toEqual({ remaining: 3, resetAt: 1_900_000_060_000 });
  });

  it('says nothing without both headers (GHES with rate limiting off)', () => {
    expect(readGithubRateLimit({ 'x-ratelimit-remaining': '3' }, 0)).toBeUndefined();
    expect(readGithubRateLimit({ 'x-ratelimit-reset': '1900000060' }, 0)).toBeUndefined();
  });

  it('reports usage per resource', () => {
    expect(readGithubUsage(rateHeaders(4990, 1, 'core', 5000))).toEqual({ used: 10, limit: 5000, resource: 'core' });
  });
});

describe('github rate limits', () => {
  it('waits for the search reset before the 30-a-minute budget runs out, between pages', async () => {
    const reset = nowSeconds() + 20;
    const seen = mockGet('/search/issues', [
      { body: fixture('search-lead-time-page-1.json'), headers: rateHeaders(1, reset) },
      { body: fixture('search-lead-time-page-2.json'), headers: rateHeaders(29, reset + 60) },
    ]);
    const { ctx, recorded, connection } = makeContext();

    expect(await github.fetch(connection, leadTime, ctx)).toHaveLength(1);
    expect(seen).toHaveLength(2);
    expect(recorded.sleeps).toHaveLength(1);
    expect(recorded.sleeps[0]).toBeGreaterThan(15_000);
    expect(recorded.sleeps[0]).toBeLessThanOrEqual(20_000);
  });

  it('a secondary rate limit (403 with retry-after) waits as long as GitHub asks, then retries', async () => {
    const seen = mockGet('/search/issues', [
      { status: 403, body: fixture('error-secondary-rate-limit.json'), headers: { 'retry-after': '30' } },
      { body: fixture('search-merged-prs-count.json') },
    ]);
    const { ctx, recorded, connection } = makeContext({ http: { attempts: 2 } });

    expect((await github.fetch(connection, merged, ctx))[0]!.value).toBe(42);
    expect(seen).toHaveLength(2);
    expect(recorded.sleeps).toEqual([30_000]);
  });

  it('a secondary rate limit without retry-after waits a minute, and ends in a RateLimitedError when it persists', async () => {
    const seen = mockGet(
      '/search/issues',
      Array.from({ length: 2 }, () => ({ status: 403, body: fixture('error-secondary-rate-limit.json') })),
    );
    const { ctx, recorded, connection } = makeContext({ http: { attempts: 2 } });

    const error = await github.fetch(connection, merged, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(SECONDARY_WAIT_MS);
    expect((error as Error).message).toMatch(/^GET api\.github\.com\/search\/issues → 403: You have exceeded a secondary rate limit\..*; retry after 60 s$/);
    expect(recorded.sleeps).toEqual([SECONDARY_WAIT_MS]);
    expect(seen).toHaveLength(2);
  });

  it('the primary limit spent (403, remaining 0, reset in an hour) goes to the scheduler without sleeping', async () => {
    const reset = nowSeconds() + 3600;
    const seen = mockGet('/search/issues', [{ status: 403, body: fixture('error-primary-rate-limit.json'), headers: rateHeaders(0, reset, 'core', 5000) }]);
    const { ctx, recorded, connection } = makeContext({ http: { attempts: 3 } });

    const error = await github.fetch(connection, merged, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBeGreaterThan(3_500_000);
    expect(recorded.sleeps).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it('429 with retry-after is a rate limit too', async () => {
    mockGet('/search/issues', [
      { status: 429, body: fixture('error-secondary-rate-limit.json'), headers: { 'retry-after': '5' } },
      { body: fixture('search-merged-prs-count.json') },
    ]);
    const { ctx, recorded, connection } = makeContext({ http: { attempts: 2 } });
    await github.fetch(connection, merged, ctx);
    expect(recorded.sleeps).toEqual([5000]);
  });
});
