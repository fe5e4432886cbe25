import nock from 'nock';
import pino from 'pino';
import intercom from '../connectors/intercom/index.ts';
import { periodStart } from '../src/domain/periods.ts';
import { createHttpClient } from '../src/sdk/http.ts';
import type { ConnectorContext, SyncWindow } from '../src/sdk/index.ts';
import { memoryConnectionState, windowPeriods } from '../tests/helpers/connector-context.ts';

/** Records the mocks declare: conversations in the count, and in the sum. */
const COUNT_TOTAL = 12_345;
const SUM_TOTAL = 1_000;
/** An extractor that copies every record, a typical page size for it. */
const COPY_PAGE_SIZE = 100;

const BASE = 'https://api.intercom.io';
const WINDOW: SyncWindow = { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z', timeZone: 'UTC', interval: 'month' };
/** A year of months, read in one backfill run. */
const YEAR: SyncWindow = { ...WINDOW, start: '2025-12-01T00:00:00.000Z' };
const YEAR_MONTHS = 12;
const inWindow = {
  operator: 'AND',
  value: [
    { field: 'created_at', operator: '>', value: '{{window.start_unix}}' },
    { field: 'created_at', operator: '<', value: '{{window.last_unix}}' },
  ],
};

/**
 * Requests one Intercom KPI value costs, against nock mocks shaped like the search API:
 * a count reads `total_count` from a one-record page; a sum pages through the matches
 * 150 at a time. `copyEverythingRequests` is what an extractor copying every record of
 * both answers at 100 a page would send.
 */
export async function run(): Promise<Record<string, unknown>> {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  try {
    const connection = intercom.connectionSchema.parse({ accessToken: 'bench-token' });
    const counted = mockConversations(COUNT_TOTAL);
    const [count] = await intercom.fetch(connection, intercom.querySchema.parse({ object: 'conversations', query: inWindow }), context(connection));
    nock.cleanAll();
    const summed = mockConversations(SUM_TOTAL);
    const sumQuery = intercom.querySchema.parse({ object: 'conversations', query: inWindow, aggregate: 'sum', field: 'statistics.time_to_admin_reply' });
    const [sum] = await intercom.fetch(connection, sumQuery, context(connection));
    if (count?.value !== COUNT_TOTAL || sum?.value !== SUM_TOTAL) throw new Error('intercom bench: the connector read the wrong values');
    nock.cleanAll();
    const backfilled = mockConversations(COUNT_TOTAL);
    const year = await intercom.fetch(
      connection,
      intercom.querySchema.parse({ object: 'conversations', query: inWindow }),
      context(connection, YEAR, 'backfill'),
    );
    if (year.length !== YEAR_MONTHS) throw new Error(`intercom bench: a year's backfill gave ${year.length} values`);
    const copyCount = Math.ceil(COUNT_TOTAL / COPY_PAGE_SIZE);
    const copySum = Math.ceil(SUM_TOTAL / COPY_PAGE_SIZE);
    return {
      countRecords: COUNT_TOTAL,
      sumRecords: SUM_TOTAL,
      countRequestsPerValue: counted.requests,
      sumRequestsPerValue: summed.requests,
      backfillCountRequestsPerPeriod: backfilled.requests / YEAR_MONTHS,
      copyEverythingRequests: copyCount + copySum,
      copyEverythingCountRequests: copyCount,
      copyEverythingSumRequests: copySum,
    };
  } finally {
    nock.cleanAll();
    nock.enableNetConnect();
  }
}

/**
 * `POST /conversations/search` answering `total` matches, `per_page` at a time, each
 * conversation with `statistics.time_to_admin_reply: 1` (so the sum equals the total).
 */
function mockConversations(total: number): { requests: number } {
  const counter = { requests: 0 };
  nock(BASE)
    .post('/conversations/search')
    .times(Number.MAX_SAFE_INTEGER)
    .reply(200, async (request: Request) => {
      counter.requests += 1;
      const body = (await request.json()) as { pagination: { per_page: number; starting_after?: string } };
      const perPage = body.pagination.per_page;
      const offset = body.pagination.starting_after === undefined ? 0 : Number(body.pagination.starting_after);
      const size = Math.max(0, Math.min(perPage, total - offset));
      const next = offset + size < total ? { next: { per_page: perPage, starting_after: String(offset + size) } } : {};
      return {
        type: 'conversation.list',
        total_count: total,
        pages: { type: 'pages', page: offset / perPage + 1, per_page: perPage, total_pages: Math.ceil(total / perPage), ...next },
        conversations: Array.from({ length: size }, (_, i) => ({
          type: 'conversation',
          id: String(offset + i + 1),
          statistics: { type: 'conversation_statistics', time_to_admin_reply: 1 },
        })),
      };
    });
  return counter;
}

function context(
  connection: ReturnType<typeof intercom.connectionSchema.parse>,
  window = WINDOW,
  mode: ConnectorContext['mode'] = 'current',
): ConnectorContext {
  const noop = (): void => undefined;
  return {
    window,
    mode,
    periodOf: (instant) => periodStart(instant, window.interval, window.timeZone),
    periods: windowPeriods(window),
    connectionState: memoryConnectionState(),
    logger: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    http: createHttpClient({ ...intercom.http!(connection) }),
    cursor: { get: async () => undefined, set: async () => undefined },
    diagnostics: { reject: noop, count: noop, apiUsage: noop, hint: noop },
    baseDir: process.cwd(),
    kpi: { id: 'bench', timeZone: WINDOW.timeZone, interval: WINDOW.interval },
  };
}
