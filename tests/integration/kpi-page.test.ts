import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFolder } from '../../src/app/app-config.ts';
import { formatValue } from '../../src/app/format.ts';
import { shownPeriods } from '../../src/app/kpi-periods.ts';
import type { Catalog } from '../../src/config/catalog.ts';
import type { AlertEvent } from '../../src/notify/alert-event.ts';
import { createHttpClient } from '../../src/sdk/http.ts';
import type { Store } from '../../src/store/store.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { REPO, tempDir } from '../helpers/cli.ts';
import { CHROMIUM_ARGS, ensureChromium } from '../setup/chromium.ts';
import { captureLogger, NOW, seededExample, serve, type TestServer } from '../unit/server/server-kit.ts';

const ARTIFACTS = path.join(REPO, 'tests/artifacts');
const TOKEN = 'tok_8d1f0c2b7a6e4953b1d2';
const SECRET = `whsec_${Buffer.from('kpi page test secret, 32 bytes!!').toString('base64')}`;

let catalog: Catalog;
let store: Store;
let server: TestServer;
let guarded: TestServer;
let browser: BrowserContext;
let alertLink: string;

/** A fresh tab on `url`, with the status and every request it made. */
async function open(url: string): Promise<{ tab: Page; status: number | undefined; requested: string[] }> {
  const tab = await browser.newPage();
  const requested: string[] = [];
  tab.on('request', (request) => requested.push(request.url()));
  const response = await tab.goto(url);
  return { tab, status: response?.status(), requested };
}

beforeAll(async () => {
  const executablePath = await ensureChromium();
  let dir: string;
  ({ catalog, store, dir } = await seededExample());
  server = await serve(() => catalog, store);
  guarded = await serve(() => catalog, store, { token: TOKEN });

  // Alerts link to this server; the failing connection's file appears with one bad row,
  // so the next sync of enterprise_pipeline has a rejected line and breaches its band.
  writeFileSync(
    path.join(dir, 'alerts.yaml'),
    `alerts:
  dashboardUrl: ${server.url}
  destinations:
    - { name: ops, kind: webhook, url: "http://127.0.0.1:9/hook", secret: "${SECRET}" }
  routes:
    - { name: all, destinations: [ops] }
`,
  );
  mkdirSync(path.join(dir, 'exports'));
  writeFileSync(path.join(dir, 'exports/pipeline.csv'), 'date,amount\n2026-10-05,40000\n2026-10-20,lots\n2026-10-28,20000\n2026-11-10,30000\n');
  catalog = await loadConfigFolder(dir);
  const env = { catalog, store, logger: captureLogger('fatal').logger, now: () => NOW, scrub: (t: string) => t, httpFor: () => createHttpClient() };
  const result = await runSync({ kpi: 'enterprise_pipeline' }, env);
  expect(result.run.status).toBe('ok');
  const [entry] = await store.listOutbox({ channel: 'alert' });
  alertLink = (entry!.payload as AlertEvent).link!;

  // A run that reported its API budget, as a Salesforce or Intercom sync does.
  await store.saveRun({
    id: 'run-api-usage',
    kpi: 'nps',
    source: 'sample_data',
    mode: 'current',
    status: 'ok',
    startedAt: '2026-11-23T11:58:00.000Z',
    finishedAt: '2026-11-23T11:58:02.500Z',
    durationMs: 2_500,
    rawValues: 1,
    datapoints: 1,
    rejected: 0,
    apiUsage: { used: 420, limit: 1_000 },
  });

  browser = await chromium.launchPersistentContext(tempDir('kpi-sync-chromium-'), {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1360, height: 900 },
    deviceScaleFactor: 1,
  });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await guarded?.close();
  await store?.close();
});

describe('the KPI page in headless Chromium', () => {
  it('is one self-contained document with no script, and the dashboard card leads to it', async () => {
    const { tab, status, requested } = await open(`${server.url}/`);
    expect(status).toBe(200);
    await tab.locator('.card[data-kpi="mrr"] .card-title a').click();
    await tab.waitForURL(`${server.url}/kpis/mrr`);
    expect(await tab.locator('[data-kpi-page]').getAttribute('data-kpi-page')).toBe('mrr');
    expect(await tab.title()).toBe('kpi-sync · Monthly recurring revenue');
    expect(await tab.locator('script').count()).toBe(0);
    expect(requested).toEqual([`${server.url}/`, `${server.url}/kpis/mrr`]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await tab.screenshot({ path: path.join(ARTIFACTS, 'kpi-page.png'), fullPage: true });
    await tab.close();
  });

  it('charts the stored values of the default range over the band drawn as critical, warn and ok zones', async () => {
    const { tab, status } = await open(`${server.url}/kpis/mrr`);
    expect(status).toBe(200);
    const chart = tab.locator('svg.history-chart');
    // mrr's band is { min: 30000, warnMin: 40000 }: more is better.
    const zones = await chart.locator('rect.zone').evaluateAll((rects) =>
      rects.map((r) => ({
        tone: r.getAttribute('data-zone'),
        lo: r.getAttribute('data-lo'),
        hi: r.getAttribute('data-hi'),
        top: Number(r.getAttribute('y')),
        height: Number(r.getAttribute('height')),
      })),
    );
    expect(zones.map(({ tone, lo, hi }) => [tone, lo, hi])).toEqual([
      ['critical', '', '30000'],
      ['warn', '30000', '40000'],
      ['ok', '40000', ''],
    ]);
    // Two years of months by default; the example data starts in 2025-01, so every stored month is in it.
    expect(await tab.locator('[data-range]').textContent()).toBe('2024-12 to 2026-11 (default)');
    const stored = await store.listDatapoints('mrr');
    expect(stored.length).toBeGreaterThan(12);
    const points = await chart.locator('circle.point').evaluateAll((circles) =>
      circles.map((c) => ({
        period: c.getAttribute('data-period'),
        value: Number(c.getAttribute('data-value')),
        cy: Number(c.getAttribute('cy')),
        tone: c.getAttribute('class')!.match(/point-(ok|warn|critical)/)![1],
      })),
    );
    expect(points.map((p) => p.value)).toEqual(stored.map((p) => p.value));
    expect(points[0]!.period).toBe('2025-01');
    expect(points.at(-1)!.period).toBe('2026-11');
    expect(await chart.getAttribute('data-points')).toBe(String(stored.length));
    // Each point is drawn inside the zone of its own health.
    for (const point of points) {
      const zone = zones.find((z) => z.tone === point.tone)!;
      expect(point.cy).toBeGreaterThanOrEqual(zone.top - 0.01);
      expect(point.cy).toBeLessThanOrEqual(zone.top + zone.height + 0.01);
      expect(point.tone).toBe(point.value < 30_000 ? 'critical' : point.value < 40_000 ? 'warn' : 'ok');
    }
    expect(new Set(points.map((p) => p.tone)).size).toBeGreaterThan(1);
    await tab.close();
  });

  it('shows the judged period and the one beside it, and the health with since when', async () => {
    const { tab } = await open(`${server.url}/kpis/nps`);
    const kpi = catalog.kpis.get('nps')!;
    const { judged, beside } = await shownPeriods(kpi, store, NOW);
    const judgedBox = tab.locator('[data-period-role="judged"]');
    expect(await judgedBox.getAttribute('data-period')).toBe(judged.label);
    expect(await judgedBox.locator('.period-name').textContent()).toContain(`(${judged.roleLabel})`);
    expect(await judgedBox.locator('.value').textContent()).toBe(judged.point ? formatValue(judged.point.value) : '—');
    const besideBox = tab.locator('[data-period-role="beside"]');
    expect(await besideBox.getAttribute('data-period')).toBe(beside.label);
    expect(await besideBox.locator('.value').textContent()).toBe(beside.point ? formatValue(beside.point.value) : '—');
    const health = (await store.getHealth('nps'))!;
    expect(await tab.locator('[data-kpi-page]').getAttribute('data-health')).toBe(health.state);
    expect(await tab.locator('[data-health-since]').getAttribute('data-health-since')).toBe(health.since);
    expect(await tab.locator('.health-now').textContent()).toMatch(/since \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    // The run that reported API usage.
    expect(await tab.locator('tr[data-run="run-api-usage"] [data-api-used]').textContent()).toBe('420 / 1,000 (42%)');
    expect(await tab.locator('tr[data-run="run-api-usage"]').textContent()).toContain('2.5 s');
    await tab.close();
  });

  it("lists recent runs with a rejected row's line number and reason, and a failed run's error", async () => {
    const { tab, status } = await open(`${server.url}/kpis/enterprise_pipeline`);
    expect(status).toBe(200);
    const ok = tab.locator('tr[data-status="ok"]').first();
    expect(await ok.locator('.rejected > b').textContent()).toBe('1');
    expect(await ok.locator('.rejects li[data-where="3"]').textContent()).toBe('line 3: not a number in column "amount": "lots"');
    // Newest first: the ok run above the two the seed left failing (its backfill and its current run).
    expect(await tab.locator('table.runs tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))).toEqual(['ok', 'failed', 'failed']);
    const failed = tab.locator('tr[data-status="failed"]').first();
    expect(await failed.locator('.error code').textContent()).toBe('KS_ERR_SOURCE_READ');
    expect(await failed.locator('.error').textContent()).toMatch(/pipeline\.csv/);
    await tab.close();
  });

  it('shows the KRs on the KPI with their progress bars', async () => {
    const { tab } = await open(`${server.url}/kpis/churn_rate`);
    const krs = [...(catalog.krsByKpi.get('churn_rate') ?? [])];
    expect(krs.length).toBeGreaterThan(0);
    for (const { kr, objective } of krs) {
      const row = tab.locator(`[data-objective="${objective.id}"] .kr[data-kr="${kr.id}"]`);
      const progress = (await store.latestProgress(kr.id))!;
      expect(Number(await row.locator('svg.kr-bar').getAttribute('data-progress'))).toBeCloseTo(progress.progress * 100, 1);
      expect(await row.locator('.kr-pct').textContent()).toBe(`${Math.round(progress.progress * 100)}%`);
    }
    expect(await tab.locator('.kr').count()).toBe(krs.length);
    await tab.screenshot({ path: path.join(ARTIFACTS, 'kpi-page-krs.png'), fullPage: true });
    await tab.close();
  });

  it('is where the link of a real alert event lands', async () => {
    expect(alertLink).toBe(`${server.url}/kpis/enterprise_pipeline`);
    const { tab, status } = await open(alertLink);
    expect(status).toBe(200);
    expect(await tab.locator('[data-kpi-page]').getAttribute('data-kpi-page')).toBe('enterprise_pipeline');
    expect(await tab.locator('[data-kpi-page]').getAttribute('data-health')).toBe('critical');
    expect(await tab.locator('.transitions li').first().textContent()).toMatch(/Critical/);
    await tab.screenshot({ path: path.join(ARTIFACTS, 'kpi-page-alert.png'), fullPage: true });
    await tab.close();
  });

  it('takes a range from its form, and says what is wrong with a bad one', async () => {
    const { tab } = await open(`${server.url}/kpis/mrr`);
    await tab.locator('input[name="from"]').fill('2026-01-01');
    await tab.locator('input[name="to"]').fill('2026-03-31');
    await tab.locator('form.range button').click();
    await tab.waitForURL(/from=2026-01-01&to=2026-03-31$/);
    expect(await tab.locator('circle.point').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-period')))).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(await tab.locator('[data-range]').textContent()).toBe('2026-01 to 2026-03');
    const bad = await open(`${server.url}/kpis/mrr?from=2026-02-30`);
    expect(bad.status).toBe(400);
    expect(await bad.tab.locator('[data-bad-range] code').textContent()).toBe('from: not a date or ISO instant: "2026-02-30"');
    await tab.close();
    await bad.tab.close();
  });

  it('fits a phone screen without sideways scrolling (the runs table scrolls inside its panel)', async () => {
    const phone = await browser.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${server.url}/kpis/enterprise_pipeline`);
    expect(Number(await phone.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: path.join(ARTIFACTS, 'kpi-page-phone.png'), fullPage: true });
    await phone.close();
  });

  it('answers an unknown id with 404, a did-you-mean and the way back', async () => {
    const { tab, status } = await open(`${server.url}/kpis/mrrr`);
    expect(status).toBe(404);
    expect(await tab.locator('h1').textContent()).toBe('No KPI “mrrr”');
    await tab.locator('a', { hasText: /^mrr$/ }).click();
    await tab.waitForURL(`${server.url}/kpis/mrr`);
    await tab.goBack();
    await tab.locator('a', { hasText: 'Back to the dashboard' }).click();
    await tab.waitForURL(`${server.url}/`);
    expect(await tab.locator('.card').count()).toBe(catalog.kpis.size);
    await tab.close();
  });

  it('behind a token, asks for it and then lands on the KPI page the link named', async () => {
    const { tab, status } = await open(`${guarded.url}/kpis/churn_rate?from=2026-01-01`);
    expect(status).toBe(401);
    await tab.locator('input[name="token"]').fill(TOKEN);
    await tab.locator('button[type="submit"]').click();
    await tab.waitForURL(`${guarded.url}/kpis/churn_rate?from=2026-01-01`);
    expect(await tab.locator('[data-kpi-page]').getAttribute('data-kpi-page')).toBe('churn_rate');
    await tab.close();
    const offsite = await fetch(`${guarded.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${TOKEN}&next=${encodeURIComponent('//evil.example/kpis/x')}`,
    });
    expect(offsite.status).toBe(303);
    expect(offsite.headers.get('location')).toBe('/');
  });

  it('signed in, opens from a link on another site (Slack, e-mail), whose navigation carries no SameSite=Strict cookie', async () => {
    await browser.clearCookies();
    const signIn = await open(`${guarded.url}/`);
    await signIn.tab.locator('input[name="token"]').fill(TOKEN);
    await signIn.tab.locator('button[type="submit"]').click();
    await signIn.tab.waitForURL(`${guarded.url}/`);
    await signIn.tab.close();
    // `localhost` is another site than `127.0.0.1`, as slack.com is.
    const elsewhere = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<a id="go" href="${guarded.url}/kpis/mrr">mrr</a>`));
    await new Promise<void>((resolve) => elsewhere.listen(0, resolve));
    try {
      const tab = await browser.newPage();
      const statuses: number[] = [];
      tab.on('response', (response) => {
        if (response.url() === `${guarded.url}/kpis/mrr`) statuses.push(response.status());
      });
      await tab.goto(`http://localhost:${(elsewhere.address() as AddressInfo).port}/`);
      await tab.locator('#go').click();
      await tab.locator('[data-kpi-page="mrr"]').waitFor({ timeout: 10_000 });
      // First the cookie-less cross-site request, then the same-site reload that carries it.
      expect(statuses).toEqual([401, 200]);
      await tab.close();
    } finally {
      elsewhere.close();
    }
  });
});
