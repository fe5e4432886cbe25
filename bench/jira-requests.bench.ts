import nock from 'nock';
import jira from '../connectors/jira/index.ts';
import type { JiraConnection, JiraQuery } from '../connectors/jira/schema.ts';
import { CLOUD, DC, cloudConnection, dcConnection, makeContext } from '../tests/helpers/jira-context.ts';

/** Issues the count KPI matches (the issue's example). */
const COUNT_RECORDS = 12_345;
/** Issues the sum KPI matches, each with a Story Points value. */
const SUM_RECORDS = 2_345;
/** What an ELT-style extractor pages at. */
const COPY_PAGE = 100;
/**
 * Page sizes the mocked Jira grants: Cloud's enhanced search gives up to 5000 issues
 * a page when only ids are asked for, and (assumed here) 100 when a field is asked
 * for; Data Center gives up to 1000 (jira.search.views.default.max).
 */
const CLOUD_ID_PAGE = 5_000;
const CLOUD_FIELD_PAGE = 100;
const DC_PAGE = 1_000;

const JQL = 'project = KPI AND created >= {{window.start}} AND created < {{window.end}}';

/**
 * Requests per KPI value, measured by driving the Jira connector against nock mocks
 * that declare the record totals above, against what copying every matching record
 * at 100 a page would cost.
 */
export async function run(): Promise<Record<string, unknown>> {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  try {
    mockCloud();
    mockDataCenter();
    const count = await requests(cloudConnection(), { metric: 'count', jql: JQL, exact: false });
    const exactCount = await requests(cloudConnection(), { metric: 'count', jql: JQL, exact: true });
    const sum = await requests(cloudConnection(), { metric: 'sum', jql: JQL, field: 'customfield_10016' });
    const dcCount = await requests(dcConnection(), { metric: 'count', jql: JQL, exact: false });
    const dcSum = await requests(dcConnection(), { metric: 'sum', jql: JQL, field: 'customfield_10016' });
    const backfillCount = (await requests(cloudConnection(), { metric: 'count', jql: JQL, exact: false }, YEAR)) / YEAR_MONTHS;
    const backfillDcSum = (await requests(dcConnection(), { metric: 'sum', jql: JQL, field: 'customfield_10016' }, YEAR)) / YEAR_MONTHS;
    return {
      countRecords: COUNT_RECORDS,
      sumRecords: SUM_RECORDS,
      countRequestsPerValue: count,
      exactCountRequestsPerValue: exactCount,
      sumRequestsPerValue: sum,
      dataCenterCountRequestsPerValue: dcCount,
      dataCenterSumRequestsPerValue: dcSum,
      backfillCountRequestsPerPeriod: backfillCount,
      backfillDataCenterSumRequestsPerPeriod: backfillDcSum,
      copyEverythingRequests: Math.ceil(COUNT_RECORDS / COPY_PAGE),
      copyEverythingSumRequests: Math.ceil(SUM_RECORDS / COPY_PAGE),
    };
  } finally {
    nock.cleanAll();
    nock.enableNetConnect();
  }
}

/** A year of months (Paris), read in one backfill run. */
const YEAR = { start: '2025-12-01T00:00:00.000+01:00', end: '2026-12-01T00:00:00.000+01:00' };
const YEAR_MONTHS = 12;

/** Requests one fetch costs: of the current month, or of every month in `backfill`. */
async function requests(connection: JiraConnection, query: JiraQuery, backfill?: { start: string; end: string }): Promise<number> {
  // A mock that throws would otherwise show up as four 30 s timeouts.
  const { ctx, recorded } = makeContext(connection, { http: { timeoutMs: 5_000, attempts: 1 }, ...(backfill ? { mode: 'backfill', window: backfill } : {}) });
  const values = await jira.fetch(connection, query, ctx);
  const expected = backfill ? YEAR_MONTHS : 1;
  if (values.length !== expected) throw new Error(`expected ${expected} values, got ${values.length}`);
  return recorded.counters.apiCalls ?? 0;
}

/** nock 15 hands a reply function the Fetch API Request. */
async function bodyOf(req: Request): Promise<Record<string, unknown>> {
  return (await req.json()) as Record<string, unknown>;
}

function issues(from: number, n: number, withPoints: boolean): unknown[] {
  return Array.from({ length: n }, (_, i) => ({
    id: String(10_000 + from + i),
    key: `KPI-${from + i + 1}`,
    ...(withPoints ? { fields: { customfield_10016: 3 } } : {}),
  }));
}

/** Cloud: approximate count, and enhanced search pages whose token is the next offset. */
function mockCloud(): void {
  nock(CLOUD).persist().post('/rest/api/3/search/approximate-count').reply(200, { count: COUNT_RECORDS });
  nock(CLOUD)
    .persist()
    .post('/rest/api/3/search/jql')
    .reply(async (req: Request) => {
      const body = await bodyOf(req);
      const idsOnly = JSON.stringify(body.fields) === '["id"]';
      const total = idsOnly ? COUNT_RECORDS : SUM_RECORDS;
      const size = Math.min(Number(body.maxResults ?? 50), idsOnly ? CLOUD_ID_PAGE : CLOUD_FIELD_PAGE);
      const from = body.nextPageToken === undefined ? 0 : Number(body.nextPageToken);
      const n = Math.max(0, Math.min(size, total - from));
      const last = from + n >= total;
      return [200, { issues: issues(from, n, !idsOnly), isLast: last, ...(last ? {} : { nextPageToken: String(from + n) }) }];
    });
}

/** Data Center: search totals with maxResults 0, offset pages otherwise. */
function mockDataCenter(): void {
  nock(DC)
    .persist()
    .post('/rest/api/2/search')
    .reply(async (req: Request) => {
      const body = await bodyOf(req);
      const max = Number(body.maxResults ?? 50);
      if (max === 0) return [200, { startAt: 0, maxResults: 0, total: COUNT_RECORDS, issues: [] }];
      const from = Number(body.startAt ?? 0);
      const n = Math.max(0, Math.min(max, DC_PAGE, SUM_RECORDS - from));
      return [200, { startAt: from, maxResults: Math.min(max, DC_PAGE), total: SUM_RECORDS, issues: issues(from, n, true) }];
    });
}
