import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import prometheus from '../../connectors/prometheus/index.ts';
import { promDuration } from '../../connectors/prometheus/window.ts';
import { createHttpClient } from '../../src/sdk/http.ts';
import type { HttpClient, HttpRequest, SyncWindow } from '../../src/sdk/index.ts';
import { createCheckContext, createTestContext, windowAt } from '../../src/sdk/testing/index.ts';
import { startDemoExporter, type DemoExporter } from '../helpers/prometheus-exporter.ts';
import { startPrometheus, type PrometheusServer } from '../setup/prometheus-server.ts';

/**
 * The connector against a real Prometheus (Debian's package) scraping a loopback
 * exporter every second: 9 requests answered 200 and 1 answered 500 per scrape, and a
 * latency histogram whose 0.9 quantile is 5/12 s. Each KPI value is one request.
 */

let exporter: DemoExporter;
let server: PrometheusServer;

/** Enough samples for increase() and rate(): polls, never sleeps a fixed time to hope. */
async function waitForSamples(url: string, wanted: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  const probe = `${url}/api/v1/query?query=${encodeURIComponent('count_over_time(demo_requests_total{code="200"}[10m])')}`;
  while (Date.now() < deadline) {
    const body = (await (await fetch(probe)).json()) as { data: { result: Array<{ value: [number, string] }> } };
    if (Number(body.data.result[0]?.value[1] ?? 0) >= wanted) return;
    await sleep(100);
  }
  throw new Error(`Prometheus ingested fewer than ${wanted} scrapes within 60 s`);
}

beforeAll(async () => {
  exporter = await startDemoExporter();
  server = await startPrometheus([exporter.target]);
  await waitForSamples(server.url, 3);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await exporter?.close();
});

/** Today's period in a zone where now is at least an hour from either midnight, so the window holds every sample. */
function today(): SyncWindow {
  const now = Date.now();
  for (const zone of ['UTC', 'Asia/Tokyo', 'America/New_York', 'Asia/Kolkata']) {
    const window = windowAt(new Date(now), 'day', zone);
    if (now - Date.parse(window.start) > 3_600_000 && Date.parse(window.end) - now > 3_600_000) return window;
  }
  throw new Error('no zone found where now is an hour from midnight');
}

function recording(): { http: HttpClient; sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  const inner = createHttpClient({ attempts: 1, timeoutMs: 5_000 });
  return {
    sent,
    http: {
      request: (request) => {
        sent.push(request);
        return inner.request(request);
      },
    },
  };
}

async function fetchValues(
  promql: string,
  options: { window?: SyncWindow; mode?: 'current' | 'backfill'; settings?: Record<string, unknown>; whenEmpty?: 'skip' | 'zero' } = {},
) {
  const connection = prometheus.connectionSchema.parse({ baseUrl: server.url, ...options.settings });
  const query = prometheus.querySchema.parse({ promql, ...(options.whenEmpty ? { whenEmpty: options.whenEmpty } : {}) });
  const { http, sent } = recording();
  const ctx = createTestContext({ window: options.window ?? today(), mode: options.mode, http });
  const values = await prometheus.fetch(connection, query, ctx);
  return { values, sent, query };
}

/** The same query asked of Prometheus directly, at the instant the connector used. */
async function direct(promql: string, time: string): Promise<number> {
  const url = `${server.url}/api/v1/query?query=${encodeURIComponent(promql)}&time=${time}`;
  const body = (await (await fetch(url)).json()) as { data: { result: Array<{ value: [number, string] }> } };
  return Number(body.data.result[0]!.value[1]);
}

describe('prometheus connector against a real Prometheus', () => {
  it('check reaches the query API and names the version', async () => {
    const connection = prometheus.connectionSchema.parse({ baseUrl: server.url });
    const result = await prometheus.check(connection, createCheckContext());
    expect(result.detail).toMatch(/^PromQL query API at 127\.0\.0\.1:\d+ answered; Prometheus 2\.\d+/);
  });

  it('an instant query gives the level at the evaluation time, one request, at the period start', async () => {
    const window = today();
    const before = Date.now();
    // count(), not up's value: one scrape timing out on a loaded machine must not fail the test.
    const { values, sent } = await fetchValues('count(up{job="demo"})', { window });
    expect(values).toEqual([{ value: 1, at: window.start }]);
    expect(sent).toHaveLength(1);
    // The period has not ended: evaluated now, not at its end (no samples from the future).
    const time = Number((sent[0]!.query as Record<string, string>).time) * 1000;
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());

    const total = await fetchValues('sum(demo_requests_total{code="200"})', { window });
    expect(total.values).toHaveLength(1);
    const served = total.values[0]!.value;
    expect(served % 9).toBe(0);
    expect(served).toBeGreaterThanOrEqual(27);
    expect(served).toBeLessThanOrEqual(9 * exporter.scrapes());
    expect(prometheus.measure!(total.query)).toBe('snapshot');
  });

  it('an availability ratio over the period is 0.9', async () => {
    const { values, query } = await fetchValues(
      'sum(increase(demo_requests_total{code!~"5.."}[{{window.range}}])) / sum(increase(demo_requests_total[{{window.range}}]))',
    );
    expect(values).toHaveLength(1);
    expect(values[0]!.value).toBeCloseTo(0.9, 9);
    expect(prometheus.measure!(query)).toBe('flow');
  });

  it('increase() over the period renders the range from the period start to the evaluation time', async () => {
    const window = today();
    const { values, sent } = await fetchValues('sum(increase(demo_requests_total{code="200"}[{{window.range}}]))', { window });
    const params = sent[0]!.query as Record<string, string>;
    const range = promDuration(Number(params.time) * 1000 - Date.parse(window.start));
    expect(params.query).toBe(`sum(increase(demo_requests_total{code="200"}[${range}]))`);
    expect(range).toMatch(/^(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/);
    expect(values).toHaveLength(1);
    expect(values[0]!.value).toBeGreaterThan(0);
    expect(values[0]!.value).toBe(await direct(params.query!, params.time!));
  });

  it('histogram_quantile over the period gives the 0.9 quantile, by GET and by POST', async () => {
    const promql = 'histogram_quantile(0.9, sum by (le) (increase(demo_request_duration_seconds_bucket[{{window.range}}])))';
    const byGet = await fetchValues(promql);
    const byPost = await fetchValues(promql, { settings: { method: 'POST' } });
    expect(byGet.values[0]!.value).toBeCloseTo(5 / 12, 9);
    expect(byPost.values[0]!.value).toBeCloseTo(5 / 12, 9);
    expect(byPost.sent[0]!.body).toBeInstanceOf(URLSearchParams);
  });

  it('a backfill asks once per closed period; periods before the data are empty: skipped, or 0 with whenEmpty: zero', async () => {
    const day = today();
    const start = new Date(Date.parse(day.start) - 3 * 86_400_000 + 3_600_000);
    const window: SyncWindow = { ...day, start: windowAt(start, 'day', day.timeZone).start, end: day.start };
    const promql = 'sum(increase(demo_requests_total[{{window.range}}]))';
    const skipped = await fetchValues(promql, { window, mode: 'backfill' });
    expect(skipped.values).toEqual([]);
    expect(skipped.sent).toHaveLength(3);
    const zeros = await fetchValues(promql, { window, mode: 'backfill', whenEmpty: 'zero' });
    expect(zeros.values.map((v) => v.value)).toEqual([0, 0, 0]);
    expect(zeros.values[2]!.at).toBe(windowAt(new Date(Date.parse(day.start) - 3_600_000), 'day', day.timeZone).start);
    // A closed period is evaluated at its end, not now.
    expect(Number((zeros.sent[2]!.query as Record<string, string>).time) * 1000).toBe(Date.parse(day.start));
  });

  it("a PromQL syntax error is a QueryError in Prometheus's words", async () => {
    const error = await fetchValues('sum(rate(demo_requests_total[5m]').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KS_ERR_QUERY' });
    expect((error as Error).message).toMatch(/400 Bad Request: Prometheus rejected the query \(bad_data: invalid parameter "query": .*parse error/);
  });

  it('several series are a QueryError naming them and suggesting sum()', async () => {
    const error = await fetchValues('demo_requests_total').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KS_ERR_QUERY' });
    expect((error as Error).message).toMatch(/returns 2 series \(\{__name__="demo_requests_total", code="200", .*\}.*sum\(\.\.\.\)/);
  });

  it('0/0 is refused with the reason, not stored as a number', async () => {
    // No 404 series: sum() of nothing is an empty vector, and empty / empty is empty (skipped), not NaN.
    const none = await fetchValues('sum(increase(demo_requests_total{code="404"}[{{window.range}}])) / sum(increase(demo_requests_total[{{window.range}}]))');
    expect(none.values).toEqual([]);
    const nan = await fetchValues('vector(0) / vector(0)').catch((e: unknown) => e);
    expect(nan).toMatchObject({ code: 'KS_ERR_QUERY' });
    expect((nan as Error).message).toContain('is NaN');
  });
});
