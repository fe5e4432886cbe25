import { shownPeriods } from '../../src/app/kpi-periods.ts';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatValue } from '../../src/app/format.ts';
import type { Catalog } from '../../src/config/catalog.ts';
import { SPARK_PERIODS } from '../../src/server/dashboard/dashboard.view.ts';
import type { Store } from '../../src/store/store.ts';
import { REPO, tempDir } from '../helpers/cli.ts';
import { CHROMIUM_ARGS, ensureChromium } from '../setup/chromium.ts';
import { NOW, seededExample, serve, type TestServer } from '../unit/server/server-kit.ts';

const ARTIFACTS = path.join(REPO, 'tests/artifacts');

let catalog: Catalog;
let store: Store;
let server: TestServer;
let browser: BrowserContext;
let page: Page;
const requested: string[] = [];

beforeAll(async () => {
  const executablePath = await ensureChromium();
  ({ catalog, store } = await seededExample());
  server = await serve(() => catalog, store);
  browser = await chromium.launchPersistentContext(tempDir('kpi-sync-chromium-'), {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1360, height: 900 },
    deviceScaleFactor: 1,
  });
  page = await browser.newPage();
  page.on('request', (request) => requested.push(request.url()));
  const response = await page.goto(`${server.url}/`);
  expect(response?.status()).toBe(200);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
});

describe('dashboard in headless Chromium', () => {
  it('loads as one self-contained document and is saved as a screenshot', async () => {
    expect(requested).toEqual([`${server.url}/`]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    expect(await page.title()).toBe('kpi-sync · dashboard');
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('60');
  });

  it('shows one card per KPI, grouped by category, with the latest value, unit, band, health and sparkline', async () => {
    const categories = await page
      .locator('section.category')
      .evaluateAll((sections) =>
        sections.map((s) => ({ name: s.getAttribute('data-category'), kpis: [...s.querySelectorAll('.card')].map((c) => c.getAttribute('data-kpi')) })),
      );
    const expected = new Map<string, string[]>();
    for (const kpi of catalog.kpis.values()) expected.set(kpi.category, [...(expected.get(kpi.category) ?? []), kpi.id]);
    expect(categories).toEqual([...expected].map(([name, kpis]) => ({ name, kpis })));

    for (const kpi of catalog.kpis.values()) {
      const card = page.locator(`.card[data-kpi="${kpi.id}"]`);
      const latest = await store.latestDatapoint(kpi.id);
      const health = await store.getHealth(kpi.id);
      const stored = await store.listDatapoints(kpi.id);
      // The headline is the period health judges (last month for a flow, the month to date for a snapshot).
      const { judged, beside } = await shownPeriods(kpi, store, NOW);
      await expect.poll(() => card.locator('.value').textContent()).toBe(judged.point ? formatValue(judged.point.value) : '—');
      expect(await card.locator('.beside').textContent()).toBe(`${beside.roleLabel}: ${beside.point ? formatValue(beside.point.value, kpi.unit) : '—'}`);
      if (latest) {
        expect(await card.locator('.spark').getAttribute('data-points')).toBe(String(Math.min(SPARK_PERIODS[kpi.interval], stored.length)));
        expect(await card.locator('.spark polyline').count()).toBe(1);
      } else {
        expect(await card.locator('.spark-empty').textContent()).toBe('No data yet');
      }
      if (kpi.unit) expect(await card.locator('.unit').textContent()).toBe(kpi.unit);
      expect(await card.getAttribute('data-health')).toBe(health?.state ?? (kpi.health ? 'no_data' : 'none'));
      expect(await card.locator('.chip').textContent()).toMatch(/Healthy|Warning|Critical|No data|No band/);
    }
    expect(await page.locator('.card[data-kpi="mrr"] .band').textContent()).toBe('Band warn < 40,000 · critical < 30,000');
    expect(await page.locator('.card[data-kpi="churn_rate"] .band').textContent()).toBe('Band warn > 6 · critical > 7.5');
    expect(await page.locator('.card[data-kpi="nps"] .card-meta').textContent()).toMatch(/\d{4}-\d{2} \(last month\)[\s\S]*month to date: /);
  });

  it('shows each KR as a bar with its progress, the expected-by-today marker, and committed vs aspirational', async () => {
    for (const { kr } of catalog.krs.values()) {
      const row = page.locator(`.kr[data-kr="${kr.id}"]`);
      const progress = (await store.latestProgress(kr.id))!;
      const bar = row.locator('svg.kr-bar');
      expect(Number(await bar.getAttribute('data-progress'))).toBeCloseTo(progress.progress * 100, 1);
      expect(Number(await bar.locator('.kr-fill').getAttribute('width'))).toBeCloseTo(progress.progress * 100, 1);
      expect(Number(await bar.getAttribute('data-expected'))).toBeCloseTo(progress.expected * 100, 1);
      expect(await bar.locator('.kr-expected').count()).toBe(1);
      expect(await row.locator('.kr-pct').textContent()).toBe(`${Math.round(progress.progress * 100)}%`);
      expect(await row.locator('.badge').textContent()).toBe(kr.kind === 'committed' ? 'Committed' : 'Aspirational');
      expect(await bar.locator('.kr-success').count()).toBe(kr.kind === 'aspirational' ? 1 : 0);
      expect(await row.getAttribute('data-track')).toBe(progress.track);
    }
    const box = await page.locator('.kr[data-kr="nps_to_45"] svg.kr-bar').boundingBox();
    expect(box!.width).toBeGreaterThan(200);
  });

  it('shows the last sync time and the failing connection with its error', async () => {
    expect(await page.locator('[data-last-sync]').textContent()).toMatch(/^Last sync just now · 2026-11-23 12:00 UTC$/);
    const failing = page.locator('[data-failing] li[data-connection="crm_export"]');
    expect(await failing.textContent()).toMatch(/crm_export \(csv\): enterprise_pipeline KS_ERR_SOURCE_READ/);
    expect(await page.locator('[data-connections]').textContent()).toContain('1 connection failing');
    expect(await page.locator('.card[data-kpi="enterprise_pipeline"] .run-failed').textContent()).toBe('Sync failed · KS_ERR_SOURCE_READ');
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const phone = await browser.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${server.url}/`);
    expect(Number(await phone.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: path.join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
    await phone.close();
  });

  it('shows a KPI named with markup as text: no script runs, no element is injected', async () => {
    const evil = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">';
    const original = catalog;
    const kpis = new Map(original.kpis);
    kpis.set('mrr', { ...original.kpis.get('mrr')!, name: evil, description: `"><script>window.__xss = 3</script>` });
    catalog = { ...original, kpis };
    try {
      const tab = await browser.newPage();
      await tab.goto(`${server.url}/`);
      expect(await tab.locator('.card[data-kpi="mrr"] .card-title').textContent()).toBe(evil);
      expect(await tab.evaluate('window.__xss')).toBeUndefined();
      expect(await tab.locator('script').count()).toBe(0);
      expect(await tab.locator('main img').count()).toBe(0);
      await tab.close();
    } finally {
      catalog = original;
    }
  });
});
