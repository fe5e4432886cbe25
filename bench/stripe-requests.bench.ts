import nock from 'nock';
import stripe from '../connectors/stripe/index.ts';
import { createHttpClient } from '../src/sdk/http.ts';
import type { ConnectorContext, SyncWindow } from '../src/sdk/index.ts';
import { createTestContext } from '../src/sdk/testing/context.ts';

const BASE = 'https://api.stripe.com';
const WINDOW: SyncWindow = { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z', timeZone: 'UTC', interval: 'month' };
/** Objects each mocked endpoint holds. */
const ACTIVE = 2_500;
const PAST_DUE = 120;
const NEW = 340;
const CANCELED = 1_800;
const CHARGES = 4_200;
const YEAR_MONTHS = 12;

type Connection = ReturnType<typeof stripe.connectionSchema.parse>;

/**
 * Requests one Stripe KPI value costs, against nock mocks shaped like Stripe's list and
 * search endpoints (100 objects a page): MRR pages the live subscriptions; a new
 * subscription count reads one search `total_count`; churn and revenue page and count
 * or add up. `backfillNewRequestsPerPeriod` is a year of months read in one backfill.
 */
export async function run(): Promise<Record<string, unknown>> {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  try {
    const connection = stripe.connectionSchema.parse({ secretKey: 'sk_test_bench' });
    const measure = async (query: Record<string, unknown>, window = WINDOW, mode: ConnectorContext['mode'] = 'current') => {
      const counter = mockStripe();
      const values = await stripe.fetch(connection, stripe.querySchema.parse(query), context(connection, window, mode));
      nock.cleanAll();
      return { requests: counter.requests, values };
    };
    const mrr = await measure({ metric: 'mrr', currency: 'usd', includePastDue: true });
    const created = await measure({ metric: 'new_subscriptions' });
    const churn = await measure({ metric: 'churned_subscriptions' });
    const revenue = await measure({ metric: 'revenue', currency: 'usd' });
    const year = await measure({ metric: 'new_subscriptions' }, { ...WINDOW, start: '2025-12-01T00:00:00.000Z' }, 'backfill');
    if (mrr.values[0]?.value !== (ACTIVE + PAST_DUE) * 1000 || created.values[0]?.value !== NEW || revenue.values[0]?.value !== CHARGES * 1000) {
      throw new Error('stripe bench: the connector read the wrong values');
    }
    if (year.values.length !== YEAR_MONTHS) throw new Error(`stripe bench: a year's backfill gave ${year.values.length} values`);
    return {
      objects: { active: ACTIVE, pastDue: PAST_DUE, newInWindow: NEW, canceledEver: CANCELED, chargesInWindow: CHARGES },
      mrrRequestsPerValue: mrr.requests,
      newSubscriptionsRequestsPerValue: created.requests,
      churnedSubscriptionsRequestsPerValue: churn.requests,
      revenueRequestsPerValue: revenue.requests,
      backfillNewRequestsPerPeriod: year.requests / YEAR_MONTHS,
    };
  } finally {
    nock.cleanAll();
    nock.enableNetConnect();
  }
}

/** Stripe's list and search endpoints over synthetic objects: each subscription item 1000 a month, each charge 1000 captured. */
function mockStripe(): { requests: number } {
  const counter = { requests: 0 };
  nock(BASE)
    .get(/^\/v1\//)
    .times(Number.MAX_SAFE_INTEGER)
    .reply(200, (request: Request) => {
      counter.requests += 1;
      const url = new URL(request.url);
      if (url.pathname === '/v1/subscriptions/search') {
        return { object: 'search_result', url: url.pathname, has_more: NEW > 1, next_page: 'bench', data: [], total_count: NEW };
      }
      const total =
        url.pathname === '/v1/charges'
          ? CHARGES
          : url.searchParams.get('status') === 'active'
            ? ACTIVE
            : url.searchParams.get('status') === 'past_due'
              ? PAST_DUE
              : CANCELED;
      const limit = Number(url.searchParams.get('limit') ?? 10);
      const offset = Number(url.searchParams.get('starting_after')?.split('_')[1] ?? 0);
      const size = Math.max(0, Math.min(limit, total - offset));
      const data = Array.from({ length: size }, (_, i) => (url.pathname === '/v1/charges' ? charge(offset + i + 1) : subscription(offset + i + 1)));
      return { object: 'list', url: url.pathname, has_more: offset + size < total, data };
    });
  return counter;
}

function subscription(n: number): Record<string, unknown> {
  const price = {
    id: 'price_b',
    object: 'price',
    currency: 'usd',
    billing_scheme: 'per_unit',
    unit_amount: 1000,
    recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
  };
  return {
    id: `sub_${n}`,
    object: 'subscription',
    currency: 'usd',
    status: 'active',
    ended_at: null,
    items: { object: 'list', has_more: false, data: [{ id: `si_${n}`, object: 'subscription_item', quantity: 1, price }] },
  };
}

function charge(n: number): Record<string, unknown> {
  return { id: `ch_${n}`, object: 'charge', currency: 'usd', status: 'succeeded', amount: 1000, amount_captured: 1000, amount_refunded: 0 };
}

function context(connection: Connection, window: SyncWindow, mode: ConnectorContext['mode']): ConnectorContext {
  return createTestContext({ window, mode, http: createHttpClient({ ...stripe.http!(connection) }) });
}
