import { BadResponseError } from '../../src/sdk/index.ts';

/**
 * Stripe JSON → numbers, pure. Shapes per Stripe's API description (spec3, the
 * `list` envelope { object: "list", data, has_more, url }, `search_result`
 * { data, has_more, next_page, total_count? }, `subscription`, `subscription_item`,
 * `price`, `recurring`, `charge`, `invoice`, `event`).
 */

export interface ListPage {
  data: Record<string, unknown>[];
  hasMore: boolean;
}

export interface SearchPage extends ListPage {
  nextPage: string | undefined;
  /** Only when `expand[]=total_count` was asked for; "only accurate up to 10,000". */
  totalCount: number | undefined;
}

export function readListPage(body: unknown, where: string): ListPage {
  if (!isRecord(body) || body.object !== 'list') throw new BadResponseError(`${where}: expected a Stripe list, got ${describe(body)}`);
  return { data: records(body.data, where), hasMore: body.has_more === true };
}

export function readSearchPage(body: unknown, where: string): SearchPage {
  if (!isRecord(body) || body.object !== 'search_result') throw new BadResponseError(`${where}: expected a Stripe search_result, got ${describe(body)}`);
  const total = body.total_count;
  return {
    data: records(body.data, where),
    hasMore: body.has_more === true,
    nextPage: typeof body.next_page === 'string' && body.next_page !== '' ? body.next_page : undefined,
    totalCount: typeof total === 'number' && Number.isInteger(total) && total >= 0 ? total : undefined,
  };
}

function records(data: unknown, where: string): Record<string, unknown>[] {
  if (!Array.isArray(data)) throw new BadResponseError(`${where}: "data" is ${describe(data)}, not a list`);
  return data.map((item, i) => {
    if (!isRecord(item)) throw new BadResponseError(`${where}: data[${i}] is ${describe(item)}, not an object`);
    return item;
  });
}

/**
 * Months per price interval: an average month is 365/12 days, so a day is 12/365 of a
 * month and a week 7·12/365. A price billed every `interval_count` intervals is divided
 * by that count (https://docs.stripe.com/api/prices/object#price_object-recurring).
 */
const PER_MONTH: Record<string, number> = { day: 365 / 12, week: 365 / 12 / 7, month: 1, year: 1 / 12 };

/** Why an item adds nothing to MRR, for diagnostics. */
export type SkipReason = 'otherCurrency' | 'metered' | 'tiered' | 'noRecurringPrice' | 'noAmount';

export type ItemMrr = { ok: true; monthly: number } | { ok: false; reason: SkipReason; detail: string };

/**
 * One subscription item's monthly amount in the smallest currency unit:
 * price.unit_amount (or unit_amount_decimal) × quantity, normalised to a month.
 * Metered and tiered prices have no fixed amount per unit and are skipped.
 */
export function itemMonthlyAmount(item: Record<string, unknown>, currency: string): ItemMrr {
  const id = typeof item.id === 'string' ? item.id : 'item';
  const price = isRecord(item.price) ? item.price : undefined;
  const recurring = price && isRecord(price.recurring) ? price.recurring : undefined;
  if (!price || !recurring) return { ok: false, reason: 'noRecurringPrice', detail: `${id} has no recurring price` };
  if (price.currency !== currency) return { ok: false, reason: 'otherCurrency', detail: `${id} is priced in ${String(price.currency)}` };
  if (recurring.usage_type === 'metered') return { ok: false, reason: 'metered', detail: `${id} is metered: its amount is known only when invoiced` };
  if (price.billing_scheme === 'tiered') return { ok: false, reason: 'tiered', detail: `${id} has tiered pricing, not a unit amount` };
  const unit = typeof price.unit_amount === 'number' ? price.unit_amount : decimal(price.unit_amount_decimal);
  const factor = typeof recurring.interval === 'string' ? PER_MONTH[recurring.interval] : undefined;
  const count = typeof recurring.interval_count === 'number' && recurring.interval_count > 0 ? recurring.interval_count : undefined;
  if (unit === undefined || factor === undefined || count === undefined)
    return { ok: false, reason: 'noAmount', detail: `${id} has no readable unit amount or interval` };
  const quantity = typeof item.quantity === 'number' ? item.quantity : 1;
  return { ok: true, monthly: (unit * quantity * factor) / count };
}

/** The embedded items of a subscription and whether Stripe left some out (`items.has_more`). */
export function subscriptionItems(subscription: Record<string, unknown>): { items: Record<string, unknown>[]; complete: boolean } {
  const list = isRecord(subscription.items) ? subscription.items : undefined;
  const data = list && Array.isArray(list.data) ? list.data.filter(isRecord) : [];
  return { items: data, complete: list?.has_more !== true };
}

/** An instant (Unix seconds) field, or undefined. */
export function unixField(record: Record<string, unknown>, field: string): number | undefined {
  const value = record[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Whether a subscription's `ended_at` falls in [start, end) (Unix seconds). */
export function endedWithin(subscription: Record<string, unknown>, start: number, end: number): boolean {
  const ended = unixField(subscription, 'ended_at');
  return ended !== undefined && ended >= start && ended < end;
}

/** What a charge brought in: succeeded and captured, optionally less refunds; undefined when it does not count. */
export function chargeRevenue(charge: Record<string, unknown>, currency: string, netOfRefunds: boolean): number | undefined {
  if (charge.status !== 'succeeded' || charge.currency !== currency) return undefined;
  const captured = typeof charge.amount_captured === 'number' ? charge.amount_captured : 0;
  const refunded = netOfRefunds && typeof charge.amount_refunded === 'number' ? charge.amount_refunded : 0;
  return captured - refunded;
}

/** A paid invoice's amount_paid in `currency`; undefined when it does not count. */
export function invoiceRevenue(invoice: Record<string, unknown>, currency: string): number | undefined {
  if (invoice.status !== 'paid' || invoice.currency !== currency) return undefined;
  return typeof invoice.amount_paid === 'number' ? invoice.amount_paid : undefined;
}

/** Zero-decimal currencies (https://docs.stripe.com/currencies#zero-decimal): amounts are already whole units. */
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** The KPI `normalize.scale` that turns this currency's smallest unit into whole units. */
export function unitScale(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 1;
  return THREE_DECIMAL.has(currency) ? 0.001 : 0.01;
}

function decimal(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !/^-?\d+(\.\d+)?$/.test(value.trim())) return undefined;
  return Number(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'an empty body';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `text ${JSON.stringify(value.slice(0, 60))}`;
  return typeof value === 'object'
    ? `an object${isRecord(value) && typeof value.object === 'string' ? ` of type ${value.object}` : ''}`
    : `${typeof value} ${String(value)}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
