import nock from 'nock';
import prometheus from '../connectors/prometheus/index.ts';
import { createHttpClient } from '../src/sdk/http.ts';
import type { SyncWindow } from '../src/sdk/index.ts';
import { createTestContext } from '../src/sdk/testing/context.ts';

const BASE = 'https://prometheus.bench.example';
const MONTH: SyncWindow = { start: '2025-11-01T00:00:00.000Z', end: '2025-12-01T00:00:00.000Z', timeZone: 'UTC', interval: 'month' };
/** Twelve closed months, read in one backfill run. */
const YEAR: SyncWindow = { ...MONTH, start: '2024-12-01T00:00:00.000Z' };
const YEAR_MONTHS = 12;

/** A fleet the queries aggregate over: what copying the raw samples would have to page through. */
const SERIES = 200;
const SCRAPE_SECONDS = 15;

/**
 * Requests one Prometheus KPI value costs, against nock answering the documented
 * `/api/v1/query` shapes: an instant query, an `avg_over_time` / `increase()` across
 * the month, and a backfill of twelve months. `rawSamplesPerValue` is what the
 * aggregation would read if it were not pushed down to Prometheus (every sample of
 * every series over a month at a 15 s scrape interval).
 */
export async function run(): Promise<Record<string, unknown>> {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  try {
    const connection = prometheus.connectionSchema.parse({ baseUrl: BASE });
    const instant = await requestsFor(connection, 'avg(up{job="api"})', MONTH, 'current');
    const overTime = await requestsFor(connection, 'avg(avg_over_time(up{job="api"}[{{window.range}}]))', MONTH, 'current');
    const increase = await requestsFor(connection, 'sum(increase(http_requests_total{job="api"}[{{window.range}}]))', MONTH, 'current');
    const backfill = await requestsFor(connection, 'sum(increase(http_requests_total{job="api"}[{{window.range}}]))', YEAR, 'backfill');
    if (instant.values !== 1 || overTime.values !== 1 || increase.values !== 1 || backfill.values !== YEAR_MONTHS) {
      throw new Error('prometheus bench: the connector read the wrong number of values');
    }
    return {
      instantRequestsPerValue: instant.requests,
      overTimeRequestsPerValue: overTime.requests,
      increaseRequestsPerValue: increase.requests,
      backfillPeriods: YEAR_MONTHS,
      backfillRequests: backfill.requests,
      backfillRequestsPerPeriod: backfill.requests / YEAR_MONTHS,
      rawSamplesPerValue: SERIES * ((30 * 86_400) / SCRAPE_SECONDS),
    };
  } finally {
    nock.cleanAll();
    nock.enableNetConnect();
  }
}

async function requestsFor(connection: ReturnType<typeof prometheus.connectionSchema.parse>, promql: string, window: SyncWindow, mode: 'current' | 'backfill') {
  nock.cleanAll();
  let requests = 0;
  nock(BASE)
    .get('/api/v1/query')
    .query(true)
    .times(Number.MAX_SAFE_INTEGER)
    .reply(200, (request: Request) => {
      requests += 1;
      const time = Number(new URL(request.url).searchParams.get('time'));
      return { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [time, '0.999'] }] } };
    });
  const ctx = createTestContext({ window, mode, http: createHttpClient({ ...prometheus.http!(connection) }) });
  const values = await prometheus.fetch(connection, prometheus.querySchema.parse({ promql }), ctx);
  return { requests, values: values.length };
}
