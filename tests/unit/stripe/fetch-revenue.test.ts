import { describe, expect, it } from 'vitest';
import stripe from '../../../connectors/stripe/index.ts';
import { fixture, makeContext, mockGet, NOV_END, NOV_START, NOVEMBER } from './stripe-mocks.ts';

const revenue = (extra: Record<string, unknown> = {}) => stripe.querySchema.parse({ metric: 'revenue', currency: 'usd', ...extra });
const CREATED = { 'created[gte]': String(NOV_START), 'created[lt]': String(NOV_END) };

describe('stripe revenue', () => {
  it('charges: sums the captured amount of succeeded charges in the currency, one request per page of 100', async () => {
    const seen = mockGet('/v1/charges', [{ body: fixture('charges-page-1.json') }, { body: fixture('charges-page-2.json') }]);
    const { ctx, recorded, connection } = makeContext();

    // 5000 + 10000 captured; a failed and a EUR charge are not counted, an uncaptured authorisation adds 0.
    expect(await stripe.fetch(connection, revenue(), ctx)).toEqual([{ value: 15000, at: NOVEMBER.start }]);
    expect(seen.map((r) => r.params)).toEqual([
      { ...CREATED, limit: '100' },
      { ...CREATED, limit: '100', starting_after: 'ch_1QCh0000000003' },
    ]);
    expect(recorded.counters).toMatchObject({ chargesRead: 5, chargesNotCounted: 2 });
    expect(stripe.measure!(revenue())).toBe('flow');
  });

  it('charges net of refunds subtract amount_refunded', async () => {
    mockGet('/v1/charges', [{ body: fixture('charges-page-1.json') }, { body: fixture('charges-page-2.json') }]);
    const { ctx, connection } = makeContext();
    expect(await stripe.fetch(connection, revenue({ netOfRefunds: true }), ctx)).toEqual([{ value: 12500, at: NOVEMBER.start }]);
  });

  it('invoices: sums amount_paid of paid invoices created in the window', async () => {
    const seen = mockGet('/v1/invoices', [{ body: fixture('invoices-paid.json') }]);
    const { ctx, connection } = makeContext();

    expect(await stripe.fetch(connection, revenue({ source: 'invoices' }), ctx)).toEqual([{ value: 2900 + 12000, at: NOVEMBER.start }]);
    expect(seen.map((r) => r.params)).toEqual([{ status: 'paid', ...CREATED, limit: '100' }]);
  });

  it('another currency reads the same pages and adds only its own amounts', async () => {
    mockGet('/v1/invoices', [{ body: fixture('invoices-paid.json') }]);
    const { ctx, connection } = makeContext();
    expect(await stripe.fetch(connection, revenue({ source: 'invoices', currency: 'EUR' }), ctx)).toEqual([{ value: 5000, at: NOVEMBER.start }]);
  });
});
