import { randomUUID } from 'node:crypto';
import nock from 'nock';
import { pino } from 'pino';
import salesforce from '../connectors/salesforce/index.ts';
import { connectionSchema, querySchema, type SalesforceConnection, type SalesforceQuery } from '../connectors/salesforce/schema.ts';
import type { ConnectorContext, SyncWindow } from '../src/sdk/index.ts';
import { createHttpClient } from '../src/sdk/http.ts';
import { memoryConnectionState, windowPeriods } from '../tests/helpers/connector-context.ts';

const LOGIN = 'https://login.salesforce.com';
const INSTANCE = 'https://acme.my.salesforce.com';
const QUERY = '/services/data/v66.0/query';
/** Records the mocks declare behind each answer (won opportunities this month). */
const RECORDS = 12_345;
/** What a copy-everything extractor pages at. */
const COPY_PAGE_SIZE = 100;
/** Salesforce's default query batch. */
const SF_BATCH = 2_000;
const RUNS = 5;

const TOKEN = {
  access_token: '00D000000000001!AQ0AQbenchTOKEN',
  instance_url: INSTANCE,
  id: `${LOGIN}/id/00D000000000001EAA/005000000000001AAA`,
  token_type: 'Bearer',
  issued_at: '1795420800000',
  signature: 'YmVuY2g=',
};

/** One connection's shared state for every run, as the store keeps it between scheduled runs. */
const SHARED_STATE = memoryConnectionState();

const NOVEMBER: SyncWindow = { start: '2026-11-01T00:00:00.000+01:00', end: '2026-12-01T00:00:00.000+01:00', timeZone: 'Europe/Oslo', interval: 'month' };
/** A year of months, read in one backfill run. */
const YEAR: SyncWindow = { ...NOVEMBER, start: '2025-12-01T00:00:00.000+01:00' };
const YEAR_MONTHS = 12;

function context(http: ConnectorContext['http'], window = NOVEMBER, mode: ConnectorContext['mode'] = 'current'): ConnectorContext {
  return {
    window,
    mode,
    periodOf: (instant) => String(instant),
    periods: windowPeriods(window),
    connectionState: SHARED_STATE,
    logger: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    http,
    cursor: { get: async () => undefined, set: async () => undefined },
    diagnostics: { reject: () => undefined, count: () => undefined, apiUsage: () => undefined, hint: () => undefined },
    baseDir: process.cwd(),
    kpi: { id: 'bench', timeZone: 'Europe/Oslo', interval: 'month' },
  };
}

/**
 * Requests per value in steady state: the session from a warm-up run is reused, as between
 * scheduled runs; and per period of a backfill over a year of months, run whole.
 */
async function requestsPerValue(
  connection: SalesforceConnection,
  query: SalesforceQuery,
  pages: unknown[],
): Promise<{ steady: number; firstRun: number; backfillPerPeriod: number }> {
  const http = createHttpClient({ ...salesforce.http?.(connection), baseDelayMs: 1 });
  let requests = 0;
  const count = () => {
    requests += 1;
  };
  nock(LOGIN)
    .post('/services/oauth2/token')
    .reply(() => {
      count();
      return [200, TOKEN];
    });
  const serve = (path: string, body: unknown) =>
    nock(INSTANCE)
      .get(path)
      .query(true)
      .times(RUNS + 1 + YEAR_MONTHS)
      .reply(() => {
        count();
        return [200, body, { 'Sforce-Limit-Info': 'api-usage=1200/15000' }];
      });
  serve(QUERY, pages[0]);
  for (const [i, page] of pages.slice(1).entries()) serve(`${QUERY}/01gBENCH-${(i + 1) * SF_BATCH}`, page);
  await salesforce.fetch(connection, query, context(http));
  const firstRun = requests;
  requests = 0;
  for (let i = 0; i < RUNS; i += 1) await salesforce.fetch(connection, query, context(http));
  const steady = requests / RUNS;
  requests = 0;
  const values = await salesforce.fetch(connection, query, context(http, YEAR, 'backfill'));
  if (values.length !== YEAR_MONTHS) throw new Error(`salesforce bench: a year's backfill gave ${values.length} values`);
  nock.cleanAll();
  return { steady, firstRun, backfillPerPeriod: requests / YEAR_MONTHS };
}

function recordPages(): unknown[] {
  const pages: unknown[] = [];
  for (let offset = 0; offset < RECORDS; offset += SF_BATCH) {
    const size = Math.min(SF_BATCH, RECORDS - offset);
    const next = offset + SF_BATCH;
    pages.push({
      totalSize: RECORDS,
      done: next >= RECORDS,
      ...(next < RECORDS ? { nextRecordsUrl: `${QUERY}/01gBENCH-${next}` } : {}),
      records: Array.from({ length: size }, (_, i) => ({ attributes: { type: 'Opportunity' }, Amount: (offset + i) % 1000 })),
    });
  }
  return pages;
}

/**
 * Requests per KPI value for a count and a sum pushed down as aggregate SOQL, against
 * nock mocks that stand for 12,345 matching records; and the requests the same answers
 * would cost an extractor copying every record 100 a page, or this connector summing a
 * plain SOQL client-side (2,000 records a page).
 */
export async function run(): Promise<Record<string, unknown>> {
  nock.disableNetConnect();
  try {
    const connection = () => connectionSchema.parse({ auth: { flow: 'refreshToken', clientId: `bench-${randomUUID()}`, refreshToken: 'bench-refresh-token' } });
    const window = 'CloseDate >= {{window.startDate}} AND CloseDate < {{window.endDate}}';
    const count = await requestsPerValue(connection(), querySchema.parse({ soql: `SELECT COUNT() FROM Opportunity WHERE IsWon = true AND ${window}` }), [
      { totalSize: RECORDS, done: true, records: [] },
    ]);
    const sum = await requestsPerValue(
      connection(),
      querySchema.parse({ soql: `SELECT SUM(Amount) total FROM Opportunity WHERE IsWon = true AND ${window}` }),
      [{ totalSize: 1, done: true, records: [{ attributes: { type: 'AggregateResult' }, total: 6_170_000 }] }],
    );
    const clientSide = await requestsPerValue(
      connection(),
      querySchema.parse({ soql: `SELECT Amount FROM Opportunity WHERE IsWon = true AND ${window}`, aggregate: 'sum', value: 'Amount' }),
      recordPages(),
    );
    return {
      records: RECORDS,
      countRequestsPerValue: count.steady,
      sumRequestsPerValue: sum.steady,
      copyEverythingRequests: Math.ceil(RECORDS / COPY_PAGE_SIZE),
      clientSideSumRequestsPerValue: clientSide.steady,
      backfillCountRequestsPerPeriod: count.backfillPerPeriod,
      backfillSumRequestsPerPeriod: sum.backfillPerPeriod,
      // The first run of a process also logs in; later runs reuse the session.
      firstRunExtraRequests: count.firstRun - count.steady,
    };
  } finally {
    nock.cleanAll();
    nock.enableNetConnect();
  }
}
