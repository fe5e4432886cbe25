import { describe, expect, it } from 'vitest';
import stripe from '../../../connectors/stripe/index.ts';
import { QueryError } from '../../../src/sdk/errors.ts';
import { fixture, makeContext, mockGet, type SeenRequest } from './stripe-mocks.ts';

const mrr = (extra: Record<string, unknown> = {}) => stripe.querySchema.parse({ metric: 'mrr', currency: 'USD', ...extra });

/**
 * Fixture amounts, per month in cents: sub A 2900 + 3 × 1000; sub B 120000 a year
 * = 10000; sub C 30000 every 3 months = 10000 (its metered item adds nothing, its
 * tiered item is rejected); sub D is in EUR. Past due: 4900. Trialing: 9900.
 */
const ACTIVE_USD = 5900 + 10000 + 10000;

function mockActive(seen: SeenRequest[]): void {
  mockGet('/v1/subscriptions', [{ body: fixture('subscriptions-active-page-1.json') }, { body: fixture('subscriptions-active-page-2.json') }], seen);
}

describe('stripe mrr: pages the live subscriptions and normalises each item to a month', () => {
  it('adds active (and, when told, past_due) subscriptions in the currency, one request per page of 100', async () => {
    const seen: SeenRequest[] = [];
    mockActive(seen);
    mockGet('/v1/subscriptions', [{ body: fixture('subscriptions-past-due.json') }], seen);
    const { ctx, recorded, connection } = makeContext();

    const values = await stripe.fetch(connection, mrr({ includePastDue: true }), ctx);

    expect(values).toEqual([{ value: ACTIVE_USD + 4900 }]);
    expect(seen).toEqual([
      { path: '/v1/subscriptions', params: { status: 'active', limit: '100' } },
      { path: '/v1/subscriptions', params: { status: 'active', limit: '100', starting_after: 'sub_1QAbActive0002' } },
      { path: '/v1/subscriptions', params: { status: 'past_due', limit: '100' } },
    ]);
    expect(recorded.counters).toMatchObject({ subscriptionsRead: 5, subscriptionsOtherCurrency: 1, items_metered: 1 });
    expect(recorded.rejects).toEqual([{ where: 'si_QAc03', reason: 'si_QAc03 has tiered pricing, not a unit amount' }]);
  });

  it('leaves past_due out by default, and adds trialing subscriptions when told', async () => {
    const seen: SeenRequest[] = [];
    mockActive(seen);
    mockGet('/v1/subscriptions', [{ body: fixture('subscriptions-trialing.json') }], seen);
    const { ctx, connection } = makeContext();

    const values = await stripe.fetch(connection, mrr({ includeTrialing: true }), ctx);

    expect(values).toEqual([{ value: ACTIVE_USD + 9900 }]);
    expect(seen.map((r) => r.params.status)).toEqual(['active', 'active', 'trialing']);
  });

  it("reads the rest of a subscription's items when the embedded list says has_more", async () => {
    const seen: SeenRequest[] = [];
    mockGet('/v1/subscriptions', [{ body: fixture('subscriptions-many-items.json') }], seen);
    mockGet('/v1/subscription_items', [{ body: fixture('subscription-items-many.json') }], seen);
    const { ctx, connection } = makeContext();

    const values = await stripe.fetch(connection, mrr(), ctx);

    expect(values).toEqual([{ value: 500 + 2 * 700 }]);
    expect(seen[1]).toEqual({ path: '/v1/subscription_items', params: { subscription: 'sub_1QAgManyItems0007', limit: '100' } });
  });

  it('an account without live subscriptions has an MRR of 0', async () => {
    const seen = mockGet('/v1/subscriptions', [{ body: fixture('subscriptions-empty.json') }]);
    const { ctx, connection } = makeContext();
    expect(await stripe.fetch(connection, mrr(), ctx)).toEqual([{ value: 0 }]);
    expect(seen).toHaveLength(1);
  });

  it('is a snapshot that cannot be backfilled: it refuses before sending anything', async () => {
    const seen = mockGet('/v1/subscriptions', [{ body: fixture('subscriptions-empty.json') }]);
    const { ctx, connection } = makeContext({ mode: 'backfill' });
    await expect(stripe.fetch(connection, mrr(), ctx)).rejects.toBeInstanceOf(QueryError);
    expect(seen).toHaveLength(0);
    expect(stripe.measure!(mrr())).toBe('snapshot');
  });

  it('stops at maxPages with a QueryError instead of a partial sum', async () => {
    const seen = mockGet('/v1/subscriptions', [{ body: fixture('subscriptions-active-page-1.json') }, { body: fixture('subscriptions-active-page-2.json') }]);
    const { ctx, connection } = makeContext({
      connection: stripe.connectionSchema.parse({ secretKey: 'sk_test_51QKpiSyncTestKey0000000000000000000000secretWxYz', maxPages: 1 }),
    });
    const error = await stripe.fetch(connection, mrr(), ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toBe(
      "GET api.stripe.com/v1/subscriptions: more than 1 pages of 100 objects; narrow the query (a shorter KPI interval) or raise the connection's maxPages",
    );
    expect(seen).toHaveLength(1);
  });
});
