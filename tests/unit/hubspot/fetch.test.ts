import { describe, expect, it } from 'vitest';
import hubspot from '../../../connectors/hubspot/index.ts';
import { QueryError } from '../../../src/sdk/errors.ts';
import { fixture, makeContext, mockSearch, NOV_END_MS, NOV_START_MS, NOVEMBER } from './hubspot-mocks.ts';

const query = (q: Record<string, unknown>) => hubspot.querySchema.parse(q);
const closedInNovember = [
  { propertyName: 'closedate', operator: 'GTE', value: NOV_START_MS },
  { propertyName: 'closedate', operator: 'LT', value: NOV_END_MS },
];

describe('hubspot deals_won: one search request, its total', () => {
  it('won deals (hs_is_closed_won) closed in the window, limit 1', async () => {
    const seen = mockSearch('deals', [{ body: fixture('deals-won-count.json') }]);
    const { ctx, connection } = makeContext();

    expect(await hubspot.fetch(connection, query({ metric: 'deals_won' }), ctx)).toEqual([{ value: 23, at: NOVEMBER.start }]);
    expect(seen).toEqual([
      {
        path: '/crm/v3/objects/deals/search',
        body: {
          filterGroups: [{ filters: [...closedInNovember, { propertyName: 'hs_is_closed_won', operator: 'EQ', value: 'true' }] }],
          properties: ['hs_object_id'],
          limit: 1,
        },
      },
    ]);
    expect(hubspot.measure!(query({ metric: 'deals_won' }))).toBe('flow');
  });

  it('configured won stages and a pipeline', async () => {
    const seen = mockSearch('deals', [{ body: fixture('deals-won-count.json') }]);
    const { ctx, connection } = makeContext();
    await hubspot.fetch(connection, query({ metric: 'deals_won', stages: ['closedwon', '1234567'], pipeline: 'default' }), ctx);
    expect((seen[0]!.body.filterGroups as Array<{ filters: unknown[] }>)[0]!.filters).toEqual([
      ...closedInNovember,
      { propertyName: 'dealstage', operator: 'IN', values: ['closedwon', '1234567'] },
      { propertyName: 'pipeline', operator: 'EQ', value: 'default' },
    ]);
  });

  it('a backfill sends one search per period', async () => {
    const seen = mockSearch('deals', [{ body: fixture('deals-won-count.json') }, { body: fixture('deals-count-empty.json') }]);
    const { ctx, connection } = makeContext({ window: { ...NOVEMBER, start: '2026-10-01T00:00:00.000+02:00' }, mode: 'backfill' });
    expect(await hubspot.fetch(connection, query({ metric: 'deals_won' }), ctx)).toEqual([
      { value: 23, at: '2026-10-01T00:00:00.000+02:00' },
      { value: 0, at: NOVEMBER.start },
    ]);
    expect(seen).toHaveLength(2);
  });
});

describe('hubspot pipeline_amount: pages the open deals, 200 a page, and sums client-side', () => {
  it("sums amount over the pipeline's open deals now, following paging.next.after", async () => {
    const seen = mockSearch('deals', [{ body: fixture('pipeline-open-page-1.json') }, { body: fixture('pipeline-open-page-2.json') }]);
    const { ctx, recorded, connection } = makeContext();

    expect(await hubspot.fetch(connection, query({ metric: 'pipeline_amount', pipeline: 'default' }), ctx)).toEqual([{ value: 1500 + 2500.5 + 10000 }]);
    const filters = [
      { propertyName: 'pipeline', operator: 'EQ', value: 'default' },
      { propertyName: 'hs_is_closed', operator: 'EQ', value: 'false' },
    ];
    const sorts = [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }];
    expect(seen.map((r) => r.body)).toEqual([
      { filterGroups: [{ filters }], properties: ['amount'], sorts, limit: 200 },
      { filterGroups: [{ filters }], properties: ['amount'], sorts, limit: 200, after: '31877402204' },
    ]);
    expect(recorded.counters).toMatchObject({ dealsRead: 5, dealsWithoutAmount: 2 });
    expect(hubspot.measure!(query({ metric: 'pipeline_amount', pipeline: 'default' }))).toBe('snapshot');
  });

  it('created in the window: a flow, with the createdate filters and another amount property', async () => {
    const seen = mockSearch('deals', [{ body: fixture('deals-count-empty.json') }]);
    const { ctx, connection } = makeContext();
    const q = query({ metric: 'pipeline_amount', pipeline: 'default', createdInWindow: true, amountProperty: 'amount_in_home_currency' });

    expect(await hubspot.fetch(connection, q, ctx)).toEqual([{ value: 0, at: NOVEMBER.start }]);
    expect(seen[0]!.body.properties).toEqual(['amount_in_home_currency']);
    expect((seen[0]!.body.filterGroups as Array<{ filters: unknown[] }>)[0]!.filters.slice(2)).toEqual([
      { propertyName: 'createdate', operator: 'GTE', value: NOV_START_MS },
      { propertyName: 'createdate', operator: 'LT', value: NOV_END_MS },
    ]);
    expect(hubspot.measure!(q)).toBe('flow');
  });

  it('more than 10,000 matches fails after the first page instead of a partial sum', async () => {
    const seen = mockSearch('deals', [{ body: { ...fixture('pipeline-open-page-1.json'), total: 12_000 } }]);
    const { ctx, connection } = makeContext();
    const error = await hubspot.fetch(connection, query({ metric: 'pipeline_amount', pipeline: 'default' }), ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toContain("12000 records match and HubSpot's search returns at most 10000");
    expect(seen).toHaveLength(1);
  });

  it('a snapshot refuses a backfill before sending anything', async () => {
    const seen = mockSearch('deals', [{ body: fixture('pipeline-open-page-1.json') }]);
    const { ctx, connection } = makeContext({ mode: 'backfill' });
    await expect(hubspot.fetch(connection, query({ metric: 'pipeline_amount', pipeline: 'default' }), ctx)).rejects.toBeInstanceOf(QueryError);
    expect(seen).toHaveLength(0);
  });
});

describe("hubspot count: the user's filters, any object, one request", () => {
  it('renders window placeholders in values and reads total', async () => {
    const seen = mockSearch('contacts', [{ body: fixture('contacts-count.json') }]);
    const { ctx, connection } = makeContext();
    const q = query({
      metric: 'count',
      objectType: 'contacts',
      filterGroups: [
        {
          filters: [
            { propertyName: 'createdate', operator: 'BETWEEN', value: '{{window.start_ms}}', highValue: '{{window.last_ms}}' },
            { propertyName: 'lifecyclestage', operator: 'IN', values: ['lead', 'marketingqualifiedlead'] },
          ],
        },
        { filters: [{ propertyName: 'hs_analytics_source', operator: 'EQ', value: 'PAID_SEARCH' }] },
      ],
    });

    expect(await hubspot.fetch(connection, q, ctx)).toEqual([{ value: 128, at: NOVEMBER.start }]);
    expect(seen[0]!.body).toEqual({
      filterGroups: [
        {
          filters: [
            { propertyName: 'createdate', operator: 'BETWEEN', value: NOV_START_MS, highValue: String(Number(NOV_END_MS) - 1) },
            { propertyName: 'lifecyclestage', operator: 'IN', values: ['lead', 'marketingqualifiedlead'] },
          ],
        },
        { filters: [{ propertyName: 'hs_analytics_source', operator: 'EQ', value: 'PAID_SEARCH' }] },
      ],
      properties: ['hs_object_id'],
      limit: 1,
    });
    expect(hubspot.measure!(q)).toBe('flow');
  });

  it('without placeholders it is a snapshot of deals', async () => {
    const seen = mockSearch('deals', [{ body: fixture('deals-won-count.json') }]);
    const { ctx, connection } = makeContext();
    const q = query({ metric: 'count', filterGroups: [{ filters: [{ propertyName: 'dealstage', operator: 'EQ', value: 'appointmentscheduled' }] }] });
    expect(await hubspot.fetch(connection, q, ctx)).toEqual([{ value: 23 }]);
    expect(seen).toHaveLength(1);
    expect(hubspot.measure!(q)).toBe('snapshot');
  });
});
