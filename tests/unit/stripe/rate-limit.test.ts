import { describe, expect, it } from 'vitest';
import { RATE_LIMIT_WAIT_MS } from '../../../connectors/stripe/errors.ts';
import stripe from '../../../connectors/stripe/index.ts';
import { RateLimitedError } from '../../../src/sdk/errors.ts';
import { fixture, makeContext, mockGet } from './stripe-mocks.ts';

const newSubs = stripe.querySchema.parse({ metric: 'new_subscriptions' });

/**
 * Stripe sends no budget headers (https://docs.stripe.com/rate-limits): a 429 with
 * code `rate_limit` is waited out (Retry-After when given, else a second) and retried;
 * when every attempt is limited the run ends in a RateLimitedError with the wait.
 */
describe('stripe rate limits', () => {
  it('429 rate_limit waits and retries, then reads the value', async () => {
    const seen = mockGet('/v1/subscriptions/search', [
      { status: 429, body: fixture('error-rate-limit.json') },
      { body: fixture('subscriptions-search-total.json') },
    ]);
    const { ctx, recorded, connection } = makeContext({ http: { attempts: 2 } });

    expect((await stripe.fetch(connection, newSubs, ctx))[0]!.value).toBe(37);
    expect(seen).toHaveLength(2);
    expect(recorded.sleeps).toEqual([RATE_LIMIT_WAIT_MS]);
  });

  it('honours Retry-After when Stripe sends one', async () => {
    mockGet('/v1/subscriptions/search', [
      { status: 429, body: fixture('error-rate-limit.json'), headers: { 'retry-after': '7' } },
      { body: fixture('subscriptions-search-total.json') },
    ]);
    const { ctx, recorded, connection } = makeContext({ http: { attempts: 2 } });
    await stripe.fetch(connection, newSubs, ctx);
    expect(recorded.sleeps).toEqual([7000]);
  });

  it("429 on every attempt is a RateLimitedError naming Stripe's reason and the wait", async () => {
    const replies = Array.from({ length: 2 }, () => ({
      status: 429,
      body: fixture('error-rate-limit.json'),
      headers: { 'stripe-rate-limited-reason': 'endpoint-rate' },
    }));
    const seen = mockGet('/v1/subscriptions/search', replies);
    const { ctx, connection } = makeContext({ http: { attempts: 2 } });

    const error = await stripe.fetch(connection, newSubs, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(RATE_LIMIT_WAIT_MS);
    expect((error as Error).message).toMatch(
      /^GET api\.stripe\.com\/v1\/subscriptions\/search → 429 \(endpoint-rate\): invalid_request_error\/rate_limit: Request rate limit exceeded\..*; retry after 1 s$/,
    );
    expect(seen).toHaveLength(2);
  });

  it('a Retry-After past the longest in-process wait is handed to the scheduler without sleeping', async () => {
    const seen = mockGet('/v1/subscriptions/search', [{ status: 429, body: fixture('error-rate-limit.json'), headers: { 'retry-after': '600' } }]);
    const { ctx, recorded, connection } = makeContext({ http: { attempts: 3 } });
    const error = await stripe.fetch(connection, newSubs, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(600_000);
    expect(recorded.sleeps).toEqual([]);
    expect(seen).toHaveLength(1);
  });
});
