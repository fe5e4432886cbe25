import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_JOB_NAME } from '../../src/schedule/queue/sync-job.ts';
import { queueBoardPlugin, type QueueBoard } from '../../src/server/queue-board.ts';
import { loadQueueCatalog, writeQueueConfig } from '../helpers/queue-config.ts';
import { tempDir } from '../helpers/cli.ts';
import { queueFixture, type QueueFixture } from '../helpers/queue-redis.ts';
import { CHROMIUM_ARGS, ensureChromium } from '../setup/chromium.ts';
import { startPostgresServer, type PostgresServer } from '../setup/postgres-server.ts';
import { startRedisServer, type RedisServer } from '../setup/redis-server.ts';
import { serve, type TestServer } from '../unit/server/server-kit.ts';

const TOKEN = 'tok_8d2e6b0f4a1c47e9b3d5';
const AUTH = { authorization: `Bearer ${TOKEN}` };

let redis: RedisServer;
let postgres: PostgresServer;
let fx: QueueFixture;
let board: QueueBoard;
let server: TestServer;

beforeAll(async () => {
  redis = await startRedisServer();
  postgres = await startPostgresServer();
  fx = await queueFixture(redis.url, postgres);
  await fx.queue.add(SYNC_JOB_NAME, { kpiId: 'mrr' }, { delay: 60_000 });
  const catalog = await loadQueueCatalog(writeQueueConfig({ kpis: [{ id: 'mrr' }] }).dir);
  board = queueBoardPlugin({ redis: fx.redis, prefix: fx.prefix });
  server = await serve(() => catalog, fx.store, { token: TOKEN, plugins: [board.plugin] });
});

afterAll(async () => {
  await server?.close();
  await board?.close();
  await fx?.close();
  await redis?.stop();
  await postgres?.stop();
});

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, { headers, redirect: 'manual' });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('Bull Board under /queues', () => {
  it('answers 401 without the token on the page, its API and its static files; the probes stay open', async () => {
    for (const path of ['/queues', '/queues/', '/queues/api/queues', '/queues/static/images/logo.svg']) {
      const none = await get(path);
      expect(none.status, path).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="kpi-sync"');
      expect((await get(path, { authorization: `Bearer ${TOKEN}x` })).status, path).toBe(401);
    }
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
    expect((await get('/api/kpis')).status).toBe(401);
    expect((await get('/api/kpis', AUTH)).status).toBe(200);
  });

  it('serves the page with the token, and every script and stylesheet it links loads under /queues/', async () => {
    const page = await get('/queues', AUTH);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('<base href="/queues/" />');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");

    const assets = [...page.text.matchAll(/(?:src|href)="(static\/[^"]+)"/g)].map((m) => new URL(m[1]!, `${server.url}/queues/`).pathname);
    expect(assets.some((a) => /^\/queues\/static\/js\/main\.[\w.]+\.js$/.test(a))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const response = await get(asset, AUTH);
      expect(response.status, asset).toBe(200);
      expect(response.text.length, asset).toBeGreaterThan(0);
    }
  });

  it('lists the sync, dispatch, staleness and retention queues with the waiting job counted', async () => {
    const response = await get('/queues/api/queues?activeQueue=sync&status=delayed', AUTH);
    expect(response.status).toBe(200);
    const { queues } = JSON.parse(response.text) as { queues: { name: string; counts: Record<string, number> }[] };
    expect(queues.map((q) => q.name).sort()).toEqual(['dispatch', 'retention', 'staleness', 'sync']);
    expect(queues.find((q) => q.name === 'sync')!.counts.delayed).toBe(1);
    expect(queues.find((q) => q.name === 'dispatch')!.counts.delayed).toBe(0);
  });

  it('refuses the actions that would break queue mode, and allows the ordinary ones', async () => {
    const put = (path: string, body: unknown = {}) =>
      fetch(`${server.url}/queues/api/queues/${path}`, { method: 'PUT', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const concurrency = await put('dispatch/concurrency', { concurrency: 5 });
    expect(concurrency.status).toBe(403);
    expect(((await concurrency.json()) as { message: string }).message).toMatch(/global concurrency 1/);
    expect((await put('sync/obliterate')).status).toBe(403);
    expect(await fx.queue.count()).toBe(1);

    expect((await put('sync/pause')).status).toBe(200);
    expect(await fx.queue.isPaused()).toBe(true);
    expect((await put('sync/resume')).status).toBe(200);
    expect((await fetch(`${server.url}/queues/api/queues/sync/pause`, { method: 'PUT' })).status).toBe(401);
  });

  it('renders in Chromium after the dashboard sign-in, with nothing blocked but its third-party font', async () => {
    const executablePath = await ensureChromium();
    const browser = await chromium.launchPersistentContext(tempDir('kpi-sync-chromium-'), { executablePath, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/`);
      await page.fill('input[name="token"]', TOKEN);
      await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type="submit"]')]);
      // The sign-in page itself answers 401; count errors from here on.
      const blocked: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' && !message.text().includes('fonts.googleapis.com')) blocked.push(message.text());
      });
      await page.goto(`${server.url}/queues`);
      for (const name of ['sync', 'dispatch', 'staleness']) await expect.poll(() => page.getByText(name, { exact: true }).count()).toBeGreaterThan(0);
      expect(blocked).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 600_000);
});
