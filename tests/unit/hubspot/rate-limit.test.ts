import { describe, expect, it } from 'vitest';
import { POLICY_WAIT_MS } from '../../../connectors/hubspot/errors.ts';
import hubspot from '../../../connectors/hubspot/index.ts';
import { readHubspotRateLimit, readHubspotUsage } from '../../../connectors/hubspot/rate-limit.ts';
import { RateLimitedError } from '../../../src/sdk/errors.ts';
import { fixture, makeContext, mockSearch } from './hubspot-mocks.ts';

const NOW = 1_800_000_000_000;
const wonQuery = hubspot.querySchema.parse({ metric: 'deals_won' });
const amountQuery = hubspot.querySchema.parse({ metric: 'pipeline_amount', pipeline: 'default' });

/** The X-HubSpot-RateLimit-* headers of a private app's response (usage-details, "Rate limits"). */
function rateHeaders(remaining: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'x-hubspot-ratelimit-daily': '500000',
    'x-hubspot-ratelimit-daily-remaining': '499000',
    'x-hubspot-ratelimit-interval-milliseconds': '10000',
    'x-hubspot-ratelimit-max': '190',
    'x-hubspot-ratelimit-remaining': String(remaining),
    ...extra,
  };
}

describe('readHubspotRateLimit', () => {
  it('reads the rolling window: what remains, and the whole interval as the wait', () => {
    expect(readHubspotRateLimit(rateHeaders(42), NOW)).toEqual({ remaining: 42, resetAt: NOW + 10_000 });
  });

  it('takes the secondly budget when it is the lower one', () => {
    expect(readHubspotRateLimit(rateHeaders(42, { 'x-hubspot-ratelimit-secondly': '19', 'x-hubspot-ratelimit-secondly-remaining': '1' }), NOW)).toEqual({
      remaining: 1,
      resetAt: NOW + 1_000,
    });
  });

  it('says nothing without the headers (search responses do not carry them)', () => {
    expect(readHubspotRateLimit({}, NOW)).toBeUndefined();
    expect(readHubspotRateLimit({ 'x-hubspot-ratelimit-remaining': '5' }, NOW)).toBeUndefined();
  });

  it('reports the daily usage of a private app', () => {
    expect(readHubspotUsage(rateHeaders(42))).toEqual({ used: 1000, limit: 500000 });
  });
});

describe('hubspot rate limits', () => {
  it('a 429 SECONDLY is waited out for a second, then retried', async () => {
    const seen = mockSearch('deals', [{ status: 429, body: fixture('error-rate-limit-secondly.json') }, { body: fixture('deals-won-count.json') }]);
    const { ctx, recorded, connection } = makeContext({ http: { attempts: 2 } });

    expect((await hubspot.fetch(connection, wonQuery, ctx))[0]!.value).toBe(23);
    expect(seen).toHaveLength(2);
    expect(recorded.sleeps).toEqual([POLICY_WAIT_MS.SECONDLY]);
  });

  it("Retry-After wins over the policy's wait", async () => {
    mockSearch('deals', [
      { status: 429, body: fixture('error-rate-limit-secondly.json'), headers: { 'retry-after': '3' } },
      { body: fixture('deals-won-count.json') },
    ]);
    const { ctx, recorded, connection } = makeContext({ http: { attempts: 2 } });
    await hubspot.fetch(connection, wonQuery, ctx);
    expect(recorded.sleeps).toEqual([3000]);
  });

  it('a 429 DAILY is handed to the scheduler without sleeping, naming the policy', async () => {
    const seen = mockSearch('deals', [{ status: 429, body: fixture('error-rate-limit-daily.json') }]);
    const { ctx, recorded, connection } = makeContext({ http: { attempts: 3 } });

    const error = await hubspot.fetch(connection, wonQuery, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(POLICY_WAIT_MS.DAILY);
    expect((error as Error).message).toBe(
      'POST api.hubapi.com/crm/v3/objects/deals/search → 429 (DAILY): You have reached your daily limit.; retry after 3600 s',
    );
    expect(recorded.sleeps).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it('slows down between pages when the headers say the window is spent', async () => {
    const seen = mockSearch('deals', [
      { body: fixture('pipeline-open-page-1.json'), headers: rateHeaders(1) },
      { body: fixture('pipeline-open-page-2.json'), headers: rateHeaders(150) },
    ]);
    const { ctx, recorded, connection } = makeContext();

    expect(await hubspot.fetch(connection, amountQuery, ctx)).toEqual([{ value: 14000.5 }]);
    expect(seen).toHaveLength(2);
    expect(recorded.sleeps).toHaveLength(1);
    expect(recorded.sleeps[0]).toBeGreaterThan(9_000);
    expect(recorded.sleeps[0]).toBeLessThanOrEqual(10_000);
    expect(recorded.usage).toEqual([
      { used: 1000, limit: 500000 },
      { used: 1000, limit: 500000 },
    ]);
  });
});
