import { KsError, QueryError, type ConnectorContext, type SyncWindow } from '../../src/sdk/index.ts';
import type { StripeClient } from './client.ts';
import { chargeRevenue, endedWithin, invoiceRevenue, itemMonthlyAmount, subscriptionItems, unitScale } from './map.ts';
import type { MrrQuery, RevenueQuery, StripeConnection, StripeQuery } from './schema.ts';

/** Search's `total_count` is "only accurate up to 10,000" (https://docs.stripe.com/api/pagination/search). */
export const SEARCH_TOTAL_LIMIT = 10_000;

/** Events are listed "going back up to 30 days" (https://docs.stripe.com/api/events/list). */
export const EVENTS_RETENTION_MS = 30 * 24 * 3600 * 1000;

type Diagnostics = ConnectorContext['diagnostics'];

/** The window's bounds in Unix seconds, [start, end). */
export function unixBounds(window: Pick<SyncWindow, 'start' | 'end'>): { start: number; end: number } {
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  if (Number.isNaN(start) || Number.isNaN(end)) throw new KsError('KS_ERR_INTERNAL', `the window ${window.start} – ${window.end} is not a pair of instants`);
  return { start: Math.floor(start / 1000), end: Math.floor(end / 1000) };
}

/** One value of a flow metric for one window. */
export async function readFlow(
  client: StripeClient,
  connection: StripeConnection,
  query: Exclude<StripeQuery, MrrQuery>,
  window: SyncWindow,
  diagnostics: Diagnostics,
  now: number,
): Promise<number> {
  const bounds = unixBounds(window);
  if (query.metric === 'new_subscriptions') return countNew(client, connection, query.includeIncomplete, bounds, diagnostics);
  if (query.metric === 'churned_subscriptions') {
    return query.source === 'events' ? countDeletedEvents(client, bounds, diagnostics, now) : countEnded(client, bounds, diagnostics);
  }
  return sumRevenue(client, query, bounds, diagnostics);
}

/**
 * Subscriptions created in the window. With the Search API: one request,
 * `created>=start AND created<end` with `limit=1&expand[]=total_count`; without
 * `total_count` (not expanded) or at its 10,000 ceiling, the search is paged and
 * counted. Without Search, the list is paged with `created[gte]`/`created[lt]` and
 * `status=all` (the list leaves canceled subscriptions out by default).
 */
async function countNew(
  client: StripeClient,
  connection: StripeConnection,
  includeIncomplete: boolean,
  bounds: { start: number; end: number },
  diagnostics: Diagnostics,
): Promise<number> {
  const incomplete = new Set(['incomplete', 'incomplete_expired']);
  if (!connection.searchApi) {
    let count = 0;
    for await (const page of client.list('/v1/subscriptions', { status: 'all', 'created[gte]': bounds.start, 'created[lt]': bounds.end })) {
      diagnostics.count('subscriptionsRead', page.data.length);
      count += page.data.filter((s) => includeIncomplete || !incomplete.has(String(s.status))).length;
    }
    return count;
  }
  // https://docs.stripe.com/search#search-query-language: numeric comparisons, `-` negates, AND only.
  const excluded = includeIncomplete ? '' : " AND -status:'incomplete' AND -status:'incomplete_expired'";
  const search = `created>=${bounds.start} AND created<${bounds.end}${excluded}`;
  const first = await client.searchPage('/v1/subscriptions/search', search, { limit: 1, 'expand[]': 'total_count' });
  if (first.totalCount !== undefined && first.totalCount < SEARCH_TOTAL_LIMIT) return first.totalCount;
  diagnostics.count('searchCountedByPaging');
  let count = 0;
  for await (const page of client.search('/v1/subscriptions/search', search)) count += page.data.length;
  return count;
}

/**
 * Canceled subscriptions whose `ended_at` falls in the window. The list cannot filter
 * on `ended_at`, only on `created`, so every canceled subscription created before the
 * window's end is read and the ended ones counted.
 */
async function countEnded(client: StripeClient, bounds: { start: number; end: number }, diagnostics: Diagnostics): Promise<number> {
  let count = 0;
  for await (const page of client.list('/v1/subscriptions', { status: 'canceled', 'created[lt]': bounds.end })) {
    diagnostics.count('subscriptionsRead', page.data.length);
    count += page.data.filter((s) => endedWithin(s, bounds.start, bounds.end)).length;
  }
  return count;
}

/** `customer.subscription.deleted` events in the window: Stripe sends one when a subscription ends. */
async function countDeletedEvents(client: StripeClient, bounds: { start: number; end: number }, diagnostics: Diagnostics, now: number): Promise<number> {
  if (bounds.start * 1000 < now - EVENTS_RETENTION_MS) {
    throw new QueryError(
      'churned_subscriptions from events: Stripe keeps events for 30 days and this window starts earlier; use source: subscriptions for older periods',
    );
  }
  let count = 0;
  for await (const page of client.list('/v1/events', { type: 'customer.subscription.deleted', 'created[gte]': bounds.start, 'created[lt]': bounds.end })) {
    diagnostics.count('eventsRead', page.data.length);
    count += page.data.length;
  }
  return count;
}

async function sumRevenue(client: StripeClient, query: RevenueQuery, bounds: { start: number; end: number }, diagnostics: Diagnostics): Promise<number> {
  const created = { 'created[gte]': bounds.start, 'created[lt]': bounds.end };
  let total = 0;
  let skipped = 0;
  const pages = query.source === 'charges' ? client.list('/v1/charges', created) : client.list('/v1/invoices', { status: 'paid', ...created });
  for await (const page of pages) {
    diagnostics.count(query.source === 'charges' ? 'chargesRead' : 'invoicesRead', page.data.length);
    for (const record of page.data) {
      const amount = query.source === 'charges' ? chargeRevenue(record, query.currency, query.netOfRefunds) : invoiceRevenue(record, query.currency);
      if (amount === undefined) skipped += 1;
      else total += amount;
    }
  }
  if (skipped > 0) diagnostics.count(query.source === 'charges' ? 'chargesNotCounted' : 'invoicesNotCounted', skipped);
  return total;
}

/**
 * MRR now: every subscription with a live status (active, plus past_due and trialing
 * as configured), paged 100 at a time per status; each item's unit amount × quantity
 * normalised to a month. Items the embedded list leaves out (`items.has_more`) are read
 * from `/v1/subscription_items`. Discounts, taxes and metered usage are not included.
 */
export async function readMrr(client: StripeClient, query: MrrQuery, ctx: Pick<ConnectorContext, 'diagnostics' | 'logger'>): Promise<number> {
  const statuses = ['active', ...(query.includePastDue ? ['past_due'] : []), ...(query.includeTrialing ? ['trialing'] : [])];
  let total = 0;
  for (const status of statuses) {
    for await (const page of client.list('/v1/subscriptions', { status })) {
      ctx.diagnostics.count('subscriptionsRead', page.data.length);
      for (const subscription of page.data) {
        if (subscription.currency !== query.currency) {
          ctx.diagnostics.count('subscriptionsOtherCurrency');
          continue;
        }
        let { items, complete } = subscriptionItems(subscription);
        if (!complete) items = await allItems(client, String(subscription.id));
        for (const item of items) {
          const read = itemMonthlyAmount(item, query.currency);
          if (read.ok) total += read.monthly;
          else if (read.reason === 'metered' || read.reason === 'otherCurrency') ctx.diagnostics.count(`items_${read.reason}`);
          else ctx.diagnostics.reject(String(item.id ?? subscription.id), read.detail);
        }
      }
    }
  }
  ctx.logger.debug({ currency: query.currency, scale: unitScale(query.currency) }, 'stripe mrr in the smallest currency unit');
  return total;
}

async function allItems(client: StripeClient, subscription: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of client.list('/v1/subscription_items', { subscription })) items.push(...page.data);
  return items;
}
