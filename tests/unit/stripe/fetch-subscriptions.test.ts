import { describe, expect, it } from 'vitest';
import stripe from '../../../connectors/stripe/index.ts';
import { QueryError } from '../../../src/sdk/errors.ts';
import { fixture, makeContext, mockGet, NOV_END, NOV_START, NOVEMBER, recentDay, stripeConnection, type SeenRequest } from './stripe-mocks.ts';

const newSubs = (extra: Record<string, unknown> = {}) => stripe.querySchema.parse({ metric: 'new_subscriptions', ...extra });
const churned = (extra: Record<string, unknown> = {}) => stripe.querySchema.parse({ metric: 'churned_subscriptions', ...extra });
const SEARCH = `created>=${NOV_START} AND created<${NOV_END} AND -status:'incomplete' AND -status:'incomplete_expired'`;

describe('stripe new_subscriptions', () => {
  it('costs one search request: limit=1 with total_count expanded', async () => {
    const seen = mockGet('/v1/subscriptions/search', [{ body: fixture('subscriptions-search-total.json') }]);
    const { ctx, connection } = makeContext();

    expect(await stripe.fetch(connection, newSubs(), ctx)).toEqual([{ value: 37, at: NOVEMBER.start }]);
    expect(seen).toEqual([{ path: '/v1/subscriptions/search', params: { query: SEARCH, limit: '1', 'expand[]': 'total_count' } }]);
    expect(stripe.measure!(newSubs())).toBe('flow');
  });

  it('counts incomplete subscriptions too when told', async () => {
    const seen = mockGet('/v1/subscriptions/search', [{ body: fixture('subscriptions-search-total.json') }]);
    const { ctx, connection } = makeContext();
    await stripe.fetch(connection, newSubs({ includeIncomplete: true }), ctx);
    expect(seen[0]!.params.query).toBe(`created>=${NOV_START} AND created<${NOV_END}`);
  });

  it('without total_count in the answer, pages the search 100 at a time and counts', async () => {
    const seen = mockGet('/v1/subscriptions/search', [
      { body: fixture('subscriptions-search-page-1.json') },
      { body: fixture('subscriptions-search-page-1.json') },
      { body: fixture('subscriptions-search-page-2.json') },
    ]);
    const { ctx, recorded, connection } = makeContext();

    expect(await stripe.fetch(connection, newSubs(), ctx)).toEqual([{ value: 3, at: NOVEMBER.start }]);
    expect(seen.map((r) => r.params)).toEqual([
      { query: SEARCH, limit: '1', 'expand[]': 'total_count' },
      { query: SEARCH, limit: '100' },
      { query: SEARCH, limit: '100', page: 'WzE3OTM0OTQ4MDBd' },
    ]);
    expect(recorded.counters.searchCountedByPaging).toBe(1);
  });

  it('with searchApi false (no Search in India), pages the list with created[gte]/[lt] and status=all', async () => {
    const seen: SeenRequest[] = [];
    mockGet('/v1/subscriptions', [{ body: fixture('subscriptions-active-page-1.json') }, { body: fixture('subscriptions-active-page-2.json') }], seen);
    const { ctx, connection } = makeContext({ connection: stripeConnection({ searchApi: false }) });

    expect(await stripe.fetch(connection, newSubs(), ctx)).toEqual([{ value: 4, at: NOVEMBER.start }]);
    expect(seen[0]!.params).toEqual({ status: 'all', 'created[gte]': String(NOV_START), 'created[lt]': String(NOV_END), limit: '100' });
    expect(seen[1]!.params.starting_after).toBe('sub_1QAbActive0002');
  });

  it("a backfill runs one search per period of the runner's calendar", async () => {
    const seen = mockGet(
      '/v1/subscriptions/search',
      Array.from({ length: 3 }, () => ({ body: fixture('subscriptions-search-total.json') })),
    );
    const window = { ...NOVEMBER, start: '2026-09-01T00:00:00.000+02:00' };
    const { ctx, connection } = makeContext({ window, mode: 'backfill' });

    const values = await stripe.fetch(connection, newSubs(), ctx);

    expect(values.map((v) => v.at)).toEqual(['2026-09-01T00:00:00.000+02:00', '2026-10-01T00:00:00.000+02:00', NOVEMBER.start]);
    expect(seen).toHaveLength(3);
    expect(seen[2]!.params.query).toBe(SEARCH);
  });
});

describe('stripe churned_subscriptions', () => {
  it('from subscriptions: pages canceled subscriptions created before the window ends, counts those ended in it', async () => {
    const seen = mockGet('/v1/subscriptions', [
      { body: fixture('subscriptions-canceled-page-1.json') },
      { body: fixture('subscriptions-canceled-page-2.json') },
    ]);
    const { ctx, recorded, connection } = makeContext();

    expect(await stripe.fetch(connection, churned(), ctx)).toEqual([{ value: 2, at: NOVEMBER.start }]);
    expect(seen.map((r) => r.params)).toEqual([
      { status: 'canceled', 'created[lt]': String(NOV_END), limit: '100' },
      { status: 'canceled', 'created[lt]': String(NOV_END), limit: '100', starting_after: 'sub_1QXcEndedInWin02' },
    ]);
    expect(recorded.counters.subscriptionsRead).toBe(4);
  });

  it('from events: counts customer.subscription.deleted events created in the window', async () => {
    const day = recentDay();
    const seen = mockGet('/v1/events', [{ body: fixture('events-subscription-deleted.json') }]);
    const { ctx, connection } = makeContext({ window: day });

    expect(await stripe.fetch(connection, churned({ source: 'events' }), ctx)).toEqual([{ value: 2, at: day.start }]);
    expect(seen[0]!.params).toEqual({
      type: 'customer.subscription.deleted',
      'created[gte]': String(Date.parse(day.start) / 1000),
      'created[lt]': String(Date.parse(day.end) / 1000),
      limit: '100',
    });
  });

  it('from events: refuses a window older than the 30 days Stripe keeps events, before sending anything', async () => {
    const seen = mockGet('/v1/events', [{ body: fixture('events-subscription-deleted.json') }]);
    const { ctx, connection } = makeContext({ window: { ...NOVEMBER, start: '2020-01-01T00:00:00.000+01:00', end: '2020-02-01T00:00:00.000+01:00' } });

    const error = await stripe.fetch(connection, churned({ source: 'events' }), ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toContain('use source: subscriptions');
    expect(seen).toHaveLength(0);
  });
});
