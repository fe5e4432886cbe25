import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/config/catalog.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite.store.ts';
import type { Store } from '../../src/store/store.ts';
import { createHttpClient } from '../../src/sdk/http.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { startServer } from '../../src/server/server.ts';
import { startOperations } from '../../src/server/operations.ts';
import { openTestApp } from '../helpers/test-app.ts';
import { observerOf } from '../../src/app/serve.ts';
import { createMetrics } from '../../src/server/metrics.ts';
import { ReadinessProbe } from '../../src/server/readiness.ts';
import { tempDir } from '../helpers/cli.ts';
import { captureLogger, NOW, readyProbe, seededExample, serve, type TestServer } from '../unit/server/server-kit.ts';

const TOKEN = 'tok_3f9c1e7a5b2d48e0a1c6';

let catalog: Catalog;
let store: Store;
let configDir: string;
let open: TestServer;
let guarded: TestServer;

beforeAll(async () => {
  ({ catalog, store, dir: configDir } = await seededExample());
  open = await serve(() => catalog, store);
  guarded = await serve(() => catalog, store, {
    token: TOKEN,
    plugins: [
      (app, { guard }) => {
        app.get('/queues', { onRequest: guard }, async () => ({ board: 'here' }));
      },
    ],
  });
});

afterAll(async () => {
  await open?.close();
  await guarded?.close();
  await store?.close();
});

async function get(server: TestServer, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, { headers, redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as Record<string, any> };
}

describe('operations server: probes and metrics', () => {
  it('answers /healthz, and /readyz with each check', async () => {
    expect((await get(open, '/healthz')).json()).toEqual({ ok: true });
    const ready = await get(open, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({ ok: true, checks: { config: 'ok', store: 'ok' } });
  });

  it('/readyz is 503 and names the check when the store cannot be read', async () => {
    const closed = await openSqliteStore(`${tempDir()}/closed.db`);
    await closed.close();
    const ready = await readyProbe(closed).probe();
    expect(ready.ok).toBe(false);
    expect(ready.checks.store).toMatch(/closed/);
    const slow = new ReadinessProbe(50);
    slow.ready('config');
    slow.ready('redis', () => new Promise(() => {}));
    slow.waitFor('store', 'connecting to Postgres at db:5432');
    expect(await slow.probe()).toEqual({
      ok: false,
      checks: { config: 'ok', store: 'waiting: connecting to Postgres at db:5432', redis: 'no answer within 50 ms' },
    });
    slow.ready('store', async () => undefined);
    slow.ready('redis', async () => 'PONG');
    expect(await slow.probe()).toEqual({ ok: true, checks: { config: 'ok', store: 'ok', redis: 'ok' } });
  });

  it('/metrics serves the business figures, sync and API counters and process metrics in Prometheus format', async () => {
    const kpi = catalog.kpis.get('mrr')!;
    open.metrics.observeSync(
      await runSync(
        { kpi: 'mrr' },
        { catalog, store, logger: captureLogger('fatal').logger, now: () => NOW, scrub: (t) => t, httpFor: () => createHttpClient() },
      ),
      kpi,
    );
    open.metrics.onHttpAttempt('jira')({ label: 'POST /search', status: 429, durationMs: 120, waitedMs: 1500 });

    const response = await get(open, '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.text;
    const mrr = (await store.latestDatapoint('mrr'))!.value;
    expect(text).toContain(`kpi_value{kpi="mrr",category="Growth",unit="USD"} ${mrr}`);
    expect(text).toContain('kpi_health{kpi="churn_rate"} 1');
    expect(text).toContain('kpi_health{kpi="mrr"} 0');
    const churnKr = (await store.latestProgress('churn_below_5'))!;
    expect(text).toContain(`kr_progress{objective="reduce_churn",kr="churn_below_5"} ${churnKr.progress}`);
    expect(text).toContain('kpi_sync_sync_runs_total{kpi="mrr",connection="sample_data",connector="csv",outcome="ok"} 1');
    expect(text).toMatch(/kpi_sync_sync_duration_seconds_count\{kpi="mrr",connector="csv"\} 1/);
    expect(text).toContain('kpi_sync_source_api_calls_total{connection="jira",status="429"} 1');
    expect(text).toContain('kpi_sync_rate_limit_wait_seconds_total{connection="jira"} 1.5');
    expect(text).toContain('kpi_sync_outbox_entries{channel="alert",status="pending"}');
    expect(text).toMatch(/^kpi_sync_process_cpu_seconds_total \d/m);
    expect(text).not.toMatch(/^process_cpu_seconds_total/m);
  });
});

describe('operations server: read API', () => {
  it('/api/kpis lists every KPI with its latest value, band and health', async () => {
    const { kpis } = (await get(open, '/api/kpis')).json();
    expect(kpis.map((k: { id: string }) => k.id)).toEqual([...catalog.kpis.keys()]);
    const mrr = kpis.find((k: { id: string }) => k.id === 'mrr');
    expect(mrr).toMatchObject({
      name: 'Monthly recurring revenue',
      category: 'Growth',
      unit: 'USD',
      bandText: 'warn < 40,000 · critical < 30,000',
      band: { min: 30000, warnMin: 40000 },
      health: { state: 'ok' },
    });
    expect(mrr.latest).toMatchObject({ label: '2026-11', value: (await store.latestDatapoint('mrr'))!.value });
    expect(kpis.find((k: { id: string }) => k.id === 'enterprise_pipeline')).toMatchObject({
      latest: null,
      lastRun: { status: 'failed', error: { code: 'KS_ERR_SOURCE_READ' } },
    });
  });

  it('/api/kpis/:id/datapoints returns the periods from `from` to `to`, both included', async () => {
    const { datapoints, interval } = (await get(open, '/api/kpis/mrr/datapoints?from=2026-01-01&to=2026-03-31')).json();
    expect(interval).toBe('month');
    expect(datapoints.map((p: { label: string }) => p.label)).toEqual(['2026-01', '2026-02', '2026-03']);
    const stored = await store.listDatapoints('mrr', { from: '2026-01-01T00:00:00+01:00', to: '2026-04-01T00:00:00+02:00' });
    expect(datapoints.map((p: { value: number }) => p.value)).toEqual(stored.map((p) => p.value));
    expect((await get(open, '/api/kpis/mrr/datapoints?limit=2')).json().datapoints.map((p: { label: string }) => p.label)).toEqual(['2026-10', '2026-11']);
  });

  it('/api/kpis/:id/history: the datapoints of a range (default: the last periods by interval) with the health transitions decided in it', async () => {
    const transitions = await store.listTransitions('churn_rate');
    expect(transitions.length).toBeGreaterThan(0);
    const latest = transitions.at(-1)!;
    const byDefault = (await get(open, '/api/kpis/churn_rate/history')).json();
    expect(byDefault).toMatchObject({
      kpi: 'churn_rate',
      interval: 'month',
      unit: '%',
      band: { max: 7.5, warnMax: 6 },
      range: { default: true, label: '2024-12 to 2026-11' },
      truncated: false,
    });
    expect(byDefault.datapoints.map((p: { value: number }) => p.value)).toEqual((await store.listDatapoints('churn_rate')).map((p) => p.value));
    expect(byDefault.datapoints[0]).toMatchObject({ label: '2025-01', source: 'sample_data' });
    expect(byDefault.transitions.at(-1)).toMatchObject({ from: latest.from, to: latest.to, at: latest.at, period: latest.period });

    const early = (await get(open, '/api/kpis/churn_rate/history?from=2026-01-01&to=2026-03-31')).json();
    expect(early.range).toMatchObject({ default: false, label: '2026-01 to 2026-03' });
    expect(early.datapoints.map((p: { label: string }) => p.label)).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(early.transitions).toEqual([]);

    const recent = (await get(open, '/api/kpis/churn_rate/history?limit=2')).json();
    expect(recent.truncated).toBe(true);
    expect(recent.datapoints.map((p: { label: string }) => p.label)).toEqual(['2026-10', '2026-11']);

    expect((await get(open, '/api/kpis/churn_rate/history?from=2026-03-01&to=2026-01-31')).json().error).toBe('from: 2026-03-01 is after to: 2026-01-31');
    expect((await get(open, '/api/kpis/churn_rate/history?to=soon')).status).toBe(400);
    expect((await get(open, '/api/kpis/nope/history')).status).toBe(404);
  });

  it('answers 400 for a bad date or limit and 404 for an unknown KPI', async () => {
    const bad = await get(open, '/api/kpis/mrr/datapoints?from=2026-02-30');
    expect(bad.status).toBe(400);
    expect(bad.json().error).toMatch(/^from: not a date/);
    expect((await get(open, '/api/runs?limit=0')).status).toBe(400);
    expect((await get(open, '/api/kpis/nope/datapoints')).status).toBe(404);
    expect((await get(open, '/api/nothing-here')).status).toBe(404);
  });

  it('/api/objectives gives every KR its progress; /api/runs the recent runs with errors', async () => {
    const { objectives } = (await get(open, '/api/objectives')).json();
    expect(objectives.map((o: { id: string }) => o.id)).toEqual(['reduce_churn', 'improve_quality']);
    const nps = objectives[1].krs.find((kr: { id: string }) => kr.id === 'nps_to_45');
    expect(nps).toMatchObject({
      kind: 'aspirational',
      start: 32,
      target: 45,
      progress: { expectedAtDue: 0.7, track: (await store.latestProgress('nps_to_45'))!.track },
    });

    const { runs } = (await get(open, '/api/runs?kpi=enterprise_pipeline&limit=1')).json();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ kpi: 'enterprise_pipeline', status: 'failed', error: { code: 'KS_ERR_SOURCE_READ' } });
  });
});

describe('operations server: token', () => {
  it('guards the API, metrics and plugins with a bearer token, compared in constant time; probes stay open', async () => {
    expect((await get(guarded, '/healthz')).status).toBe(200);
    expect((await get(guarded, '/readyz')).status).toBe(200);
    for (const path of ['/api/kpis', '/metrics', '/queues']) {
      const none = await get(guarded, path);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="kpi-sync"');
      expect((await get(guarded, path, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
      expect((await get(guarded, path, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    }
  });

  it('signs the dashboard in with a form and an HttpOnly cookie that is not the token', async () => {
    const login = await get(guarded, '/');
    expect(login.status).toBe(401);
    expect(login.text).toContain('<form class="login" method="post" action="/login">');

    const post = (token: string) => fetch(`${guarded.url}/login`, { method: 'POST', body: new URLSearchParams({ token }), redirect: 'manual' });
    const wrong = await post('guess');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('That token is not right.');

    const right = await post(TOKEN);
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/');
    const cookie = right.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^kpi_sync_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict/);
    expect(cookie).not.toContain(TOKEN);
    const page = await get(guarded, '/', { cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-kpi="mrr"');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('never writes the token or a query string to the log', async () => {
    await get(guarded, `/api/kpis?token=${TOKEN}`, { authorization: `Bearer ${TOKEN}` });
    await get(guarded, '/api/runs?limit=1', { authorization: `Bearer ${TOKEN}` });
    const log = guarded.lines.join('');
    expect(log).toContain('"route":"/api/runs"');
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain('limit=1');
  });

  it('refuses to listen beyond loopback without a token', async () => {
    const { logger } = captureLogger();
    const deps = { getCatalog: () => catalog, getStore: () => store, logger, metrics: createMetrics(), port: 0, readiness: readyProbe(store) };
    await expect(startServer({ ...deps, host: '0.0.0.0' })).rejects.toThrow(
      'refusing to serve on 0.0.0.0 without a token: set settings.server.token (for example token: ${KPI_SYNC_TOKEN}) or bind to 127.0.0.1',
    );
  });
});

describe('startOperations', () => {
  it("serves an app from its config on --port, and counts the app's sync runs", async () => {
    let app: Awaited<ReturnType<typeof openTestApp>> | undefined;
    const metrics = createMetrics({ getCatalog: () => app!.catalog });
    app = await openTestApp({ config: configDir, db: path.join(tempDir(), 'ops.db'), logLevel: 'error' }, { observer: observerOf(metrics) });
    const server = (await startOperations({
      getCatalog: () => app.catalog,
      getStore: () => app.store,
      logger: app.logger,
      metrics,
      readiness: readyProbe(app.store),
      portFlag: '0',
      env: { KPI_SYNC_PORT: '1' },
    }))!;
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await runSync({ kpi: 'nps' }, app.env);
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(text).toContain('kpi_sync_sync_runs_total{kpi="nps",connection="sample_data",connector="csv",outcome="ok"} 1');
      expect(text).toMatch(/kpi_value\{kpi="nps",category="Product",unit="NPS"\} \d/);
    } finally {
      await server.close();
      await app.close();
    }
  });

  it('listens before the store is open: /healthz answers, /readyz says what it waits for, the API answers 503', async () => {
    const probe = new ReadinessProbe();
    probe.ready('config');
    probe.waitFor('store', 'connecting to Postgres at db:5432');
    let storeOpen: Store | undefined;
    const { logger } = captureLogger('fatal');
    const server = (await startOperations({
      getCatalog: () => catalog,
      getStore: () => storeOpen,
      logger,
      metrics: createMetrics(),
      readiness: probe,
      portFlag: '0',
      env: {},
    }))!;
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const waiting = await fetch(`${server.url}/readyz`);
      expect(waiting.status).toBe(503);
      expect(await waiting.json()).toEqual({ ok: false, checks: { config: 'ok', store: 'waiting: connecting to Postgres at db:5432' } });
      const api = await fetch(`${server.url}/api/kpis`);
      expect(api.status).toBe(503);
      expect(await api.json()).toEqual({ error: 'starting: the store is not ready yet (see /readyz)' });
      expect((await fetch(`${server.url}/metrics`)).status).toBe(200);

      storeOpen = store;
      probe.ready('store', () => store.listRuns({ limit: 1 }));
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${server.url}/api/kpis`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
