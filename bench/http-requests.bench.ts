import nock from 'nock';
import http from '../connectors/http/index.ts';
import { createHttpClient } from '../src/sdk/http.ts';
import type { ConnectionState, SyncWindow } from '../src/sdk/index.ts';
import { createTestContext, memoryConnectionState } from '../src/sdk/testing/context.ts';

const BASE = 'https://api.bench.example';
const MONTH: SyncWindow = { start: '2025-11-01T00:00:00.000Z', end: '2025-12-01T00:00:00.000Z', timeZone: 'UTC', interval: 'month' };
const YEAR: SyncWindow = { ...MONTH, start: '2024-12-01T00:00:00.000Z' };
const YEAR_MONTHS = 12;
const PAGES = 3;
const PER_PAGE = 100;

/**
 * Requests one http-connector KPI value costs, against nock: a value the API aggregates
 * itself (one request), a sum over three linked pages (one request a page, summed here),
 * a backfill of twelve months, and the OAuth token requests twelve values share.
 */
export async function run(): Promise<Record<string, unknown>> {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  try {
    const single = await requestsFor(
      { path: '/search/issues', params: { q: 'closed:{{window.startDate}}..{{window.lastDate}}' }, pick: { jsonpath: '$.total_count' } },
      MONTH,
    );
    const paged = await requestsFor(
      { path: '/orders', params: { since: '{{window.start}}' }, pick: { jsonpath: '$[*].amount' }, aggregate: 'sum', pagination: { type: 'link' } },
      MONTH,
    );
    const backfill = await requestsFor(
      { path: '/search/issues', params: { q: 'closed:{{window.startDate}}..{{window.lastDate}}' }, pick: { jsonpath: '$.total_count' } },
      YEAR,
      'backfill',
    );
    const state = memoryConnectionState();
    const oauth = { type: 'oauth2', tokenUrl: `${BASE}/oauth/token`, clientId: 'bench', clientSecret: 'bench-secret' };
    let oauthRequests = 0;
    let tokenRequests = 0;
    for (let i = 0; i < YEAR_MONTHS; i += 1) {
      const counted = await requestsFor({ path: '/search/issues', pick: { jsonpath: '$.total_count' } }, MONTH, 'current', { auth: oauth }, state);
      oauthRequests += counted.requests;
      tokenRequests += counted.tokens;
    }
    if (single.values[0] !== 42 || paged.values[0] !== PAGES * PER_PAGE || backfill.values.length !== YEAR_MONTHS) {
      throw new Error('http bench: the connector read the wrong values');
    }
    return {
      singleValueRequests: single.requests,
      threePagesSummedRequests: paged.requests,
      requestsPerPage: paged.requests / PAGES,
      backfillPeriods: YEAR_MONTHS,
      backfillRequestsPerPeriod: backfill.requests / YEAR_MONTHS,
      oauthValues: YEAR_MONTHS,
      oauthApiRequests: oauthRequests,
      oauthTokenRequests: tokenRequests,
    };
  } finally {
    nock.cleanAll();
    nock.enableNetConnect();
  }
}

async function requestsFor(
  settings: Record<string, unknown>,
  window: SyncWindow,
  mode: 'current' | 'backfill' = 'current',
  connectionSettings: Record<string, unknown> = {},
  state: ConnectionState = memoryConnectionState(),
) {
  nock.cleanAll();
  const counter = { requests: 0, tokens: 0 };
  const many = Number.MAX_SAFE_INTEGER;
  nock(BASE)
    .post('/oauth/token')
    .times(many)
    .reply(200, () => {
      counter.tokens += 1;
      return { access_token: 'bench-access-token', token_type: 'Bearer', expires_in: 3600 };
    });
  nock(BASE)
    .get('/search/issues')
    .query(true)
    .times(many)
    .reply(200, () => {
      counter.requests += 1;
      return { total_count: 42, incomplete_results: false, search_type: 'lexical', items: [] };
    });
  nock(BASE)
    .get('/orders')
    .query(true)
    .times(many)
    .reply((request: Request) => {
      counter.requests += 1;
      const page = Number(new URL(request.url).searchParams.get('page') ?? '1');
      const next = page < PAGES ? { link: `<${BASE}/orders?page=${page + 1}>; rel="next"` } : {};
      return [200, Array.from({ length: PER_PAGE }, (_, i) => ({ id: page * 1000 + i, amount: 1 })), next];
    });
  const connection = http.connectionSchema.parse({ baseUrl: BASE, ...connectionSettings });
  const ctx = createTestContext({ window, mode, connectionState: state, http: createHttpClient({ ...http.http!(connection) }) });
  const values = await http.fetch(connection, http.querySchema.parse(settings), ctx);
  return { ...counter, values: values.map((v) => v.value) };
}
