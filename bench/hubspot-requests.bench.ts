import nock from 'nock';
import hubspot from '../connectors/hubspot/index.ts';
import { createHttpClient } from '../src/sdk/http.ts';
import type { ConnectorContext, SyncWindow } from '../src/sdk/index.ts';
import { createTestContext } from '../src/sdk/testing/context.ts';

const BASE = 'https://api.hubapi.com';
const WINDOW: SyncWindow = { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z', timeZone: 'UTC', interval: 'month' };
/** Records each mocked search matches. */
const WON = 87;
const OPEN_DEALS = 1_730;
const CONTACTS = 5_400;
const YEAR_MONTHS = 12;
/** An extractor copying every open deal at 100 a page (the CRM objects list's maximum). */
const COPY_PAGE_SIZE = 100;

type Connection = ReturnType<typeof hubspot.connectionSchema.parse>;

/**
 * Requests one HubSpot KPI value costs, against nock mocks shaped like the CRM search
 * API: deals_won and count read one `total`; pipeline_amount pages the open deals 200 at
 * a time and sums their amount.
 */
export async function run(): Promise<Record<string, unknown>> {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  try {
    const connection = hubspot.connectionSchema.parse({ accessToken: 'pat-bench' });
    const measure = async (query: Record<string, unknown>, window = WINDOW, mode: ConnectorContext['mode'] = 'current') => {
      const counter = mockSearch();
      const values = await hubspot.fetch(connection, hubspot.querySchema.parse(query), context(connection, window, mode));
      nock.cleanAll();
      return { requests: counter.requests, values };
    };
    const won = await measure({ metric: 'deals_won' });
    const amount = await measure({ metric: 'pipeline_amount', pipeline: 'default' });
    const count = await measure({
      metric: 'count',
      objectType: 'contacts',
      filterGroups: [{ filters: [{ propertyName: 'createdate', operator: 'BETWEEN', value: '{{window.start_ms}}', highValue: '{{window.last_ms}}' }] }],
    });
    const year = await measure({ metric: 'deals_won' }, { ...WINDOW, start: '2025-12-01T00:00:00.000Z' }, 'backfill');
    if (won.values[0]?.value !== WON || amount.values[0]?.value !== OPEN_DEALS * 100 || count.values[0]?.value !== CONTACTS) {
      throw new Error('hubspot bench: the connector read the wrong values');
    }
    if (year.values.length !== YEAR_MONTHS) throw new Error(`hubspot bench: a year's backfill gave ${year.values.length} values`);
    return {
      objects: { wonInWindow: WON, openDeals: OPEN_DEALS, contactsInWindow: CONTACTS },
      dealsWonRequestsPerValue: won.requests,
      pipelineAmountRequestsPerValue: amount.requests,
      countRequestsPerValue: count.requests,
      backfillDealsWonRequestsPerPeriod: year.requests / YEAR_MONTHS,
      copyEverythingPipelineRequests: Math.ceil(OPEN_DEALS / COPY_PAGE_SIZE),
    };
  } finally {
    nock.cleanAll();
    nock.enableNetConnect();
  }
}

/** CRM search over synthetic records: every open deal has amount "100". */
function mockSearch(): { requests: number } {
  const counter = { requests: 0 };
  nock(BASE)
    .post(/^\/crm\/v3\/objects\/[^/]+\/search$/)
    .times(Number.MAX_SAFE_INTEGER)
    .reply(200, async (request: Request) => {
      counter.requests += 1;
      const body = (await request.json()) as { limit: number; after?: string; filterGroups: Array<{ filters: Array<{ propertyName: string }> }> };
      const object = new URL(request.url).pathname.split('/')[4];
      const filters = body.filterGroups[0]!.filters.map((f) => f.propertyName);
      const total = object === 'contacts' ? CONTACTS : filters.includes('hs_is_closed') ? OPEN_DEALS : WON;
      const offset = Number(body.after ?? 0);
      const size = Math.max(0, Math.min(body.limit, total - offset));
      const results = Array.from({ length: size }, (_, i) => ({
        id: String(offset + i + 1),
        properties: { amount: '100', hs_object_id: String(offset + i + 1) },
        archived: false,
      }));
      return { total, results, ...(offset + size < total ? { paging: { next: { after: String(offset + size), link: `?after=${offset + size}` } } } : {}) };
    });
  return counter;
}

function context(connection: Connection, window: SyncWindow, mode: ConnectorContext['mode']): ConnectorContext {
  return createTestContext({ window, mode, http: createHttpClient({ ...hubspot.http!(connection) }) });
}
