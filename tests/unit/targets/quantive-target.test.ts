import { afterEach, describe, expect, it } from 'vitest';
import { quantiveTarget } from '../../../src/notify/targets/quantive.target.ts';
import { QUANTIVE_BASE_URLS, quantiveTargetSchema } from '../../../src/notify/targets/target-schemas.ts';
import { nrrMay, oddIdNumericConfidence } from '../../fixtures/targets/push-payloads.ts';
import { closedPortUrl, startServer, type Loopback } from '../sdk/loopback-server.ts';
import { QUANTIVE_PATH, startFakeQuantive, type DateStorage, type FakeQuantive } from './fake-platforms.ts';

const TOKEN = 'qtv-token-7f3a9c2e41d8';
const ACCOUNT = '5be26318e5274a0007f17f61';

const servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const attempt = (number = 1) => ({ number, signal: new AbortController().signal });

async function fake(storeDate?: DateStorage): Promise<FakeQuantive> {
  const server = await startFakeQuantive({ token: TOKEN, accountId: ACCOUNT }, storeDate);
  servers.push(server);
  return server;
}

function target(baseUrl: string, extra: Record<string, unknown> = {}) {
  return quantiveTarget(
    quantiveTargetSchema.parse({ kind: 'quantive', name: 'quantive', token: TOKEN, accountId: ACCOUNT, baseUrl, timeoutMs: 2_000, ...extra }),
  );
}

describe('quantive target', () => {
  it('POSTs a check-in to /metrics/{id}/checkin with the bearer token and account header', async () => {
    const q = await fake();
    const result = await target(q.base).deliver(nrrMay, attempt());
    expect(result).toEqual({ outcome: 'delivered', status: 200 });
    expect(q.seen).toHaveLength(1);
    const [request] = q.seen;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(`${QUANTIVE_PATH}/metrics/${nrrMay.platformId}/checkin`);
    expect(request?.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      'gtmhub-accountid': ACCOUNT,
      'content-type': 'application/json',
      'user-agent': 'kpi-sync',
    });
    expect(JSON.parse(request?.body ?? '')).toEqual({ actual: 104.2, checkInDate: '2026-06-01', comment: nrrMay.note, confidence: 0.8 });
    expect(q.checkins).toHaveLength(1);
    expect(q.metrics.get(nrrMay.platformId)).toMatchObject({ actual: 104.2, lastCheckInDate: '2026-06-01T00:00:00Z' });
  });

  it('encodes the metric id into the path and passes a configured confidence through', async () => {
    const q = await fake();
    await target(q.base).deliver(oddIdNumericConfidence, attempt());
    expect(q.seen[0]?.url).toBe(`${QUANTIVE_PATH}/metrics/kr%2F42%20%C3%BC/checkin`);
    expect(JSON.parse(q.seen[0]?.body ?? '')).toMatchObject({ confidence: 0.55 });
  });

  it('picks the data centre from region, and baseUrl overrides it', () => {
    expect(quantiveTargetSchema.parse({ kind: 'quantive', name: 'q', token: TOKEN, accountId: ACCOUNT })).toMatchObject({ region: 'eu', timeoutMs: 15_000 });
    expect(QUANTIVE_BASE_URLS).toEqual({ eu: 'https://app.quantive.com/results/api/v1', us: 'https://app.us.quantive.com/results/api/v1' });
    expect(
      quantiveTargetSchema.parse({ kind: 'quantive', name: 'q', token: TOKEN, accountId: ACCOUNT, region: 'us', baseUrl: 'https://proxy.example.com/q/' })
        .baseUrl,
    ).toBe('https://proxy.example.com/q');
  });

  it('a 500 then a success, as the dispatcher retries it, leaves exactly one check-in', async () => {
    const q = await fake();
    q.plan.push({ method: 'POST', status: 500, body: { message: 'internal error' } });
    const t = target(q.base);
    const first = await t.deliver(nrrMay, attempt(1));
    expect(first).toMatchObject({ outcome: 'retry', status: 500 });
    expect(q.checkins).toHaveLength(0);
    const second = await t.deliver(nrrMay, attempt(2));
    expect(second).toEqual({ outcome: 'delivered', status: 200 });
    expect(q.seen.map((r) => r.method)).toEqual(['POST', 'GET', 'POST']);
    expect(q.checkins).toHaveLength(1);
  });

  it('a check-in that landed but whose answer was lost is not sent again on the next attempt', async () => {
    const q = await fake();
    q.plan.push({ method: 'POST', status: 502, landed: true });
    const t = target(q.base);
    expect(await t.deliver(nrrMay, attempt(1))).toMatchObject({ outcome: 'retry', status: 502 });
    expect(await t.deliver(nrrMay, attempt(2))).toEqual({ outcome: 'delivered', status: 200 });
    expect(q.seen.map((r) => r.method)).toEqual(['POST', 'GET']);
    expect(q.checkins).toHaveLength(1);
  });

  it('after a restart (attempt 2, the platform already holds the check-in) it only reads', async () => {
    const q = await fake();
    q.metrics.set(nrrMay.platformId, { id: nrrMay.platformId, actual: 104.2, lastCheckInDate: '2026-06-01T00:00:00Z' });
    expect(await target(q.base).deliver(nrrMay, attempt(2))).toEqual({ outcome: 'delivered', status: 200 });
    expect(q.seen).toHaveLength(1);
    expect(q.seen[0]).toMatchObject({ method: 'GET', url: `${QUANTIVE_PATH}/metrics/${nrrMay.platformId}` });
    expect(q.seen[0]?.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'gtmhub-accountid': ACCOUNT });
    expect(q.checkins).toHaveLength(0);
  });

  it('recognises the check-in date stored as an instant in a zone east or west of UTC', async () => {
    for (const stored of ['2026-05-31T22:00:00Z', '2026-06-01T07:00:00Z', '2026-06-01']) {
      const q = await fake();
      q.metrics.set(nrrMay.platformId, { actual: 104.2, lastCheckInDate: stored });
      expect(await target(q.base).deliver(nrrMay, attempt(3))).toEqual({ outcome: 'delivered', status: 200 });
      expect(q.checkins).toHaveLength(0);
    }
  });

  it('posts on a repeat attempt when the metric shows another value, another date or no check-in yet', async () => {
    const cases: Record<string, unknown>[] = [
      { actual: 101.5, lastCheckInDate: '2026-06-01T00:00:00Z' },
      { actual: 104.2, lastCheckInDate: '2026-05-31T00:00:00Z' },
      { actual: 0, lastCheckInDate: null },
    ];
    for (const metric of cases) {
      const q = await fake();
      q.metrics.set(nrrMay.platformId, metric);
      expect(await target(q.base).deliver(nrrMay, attempt(2))).toEqual({ outcome: 'delivered', status: 200 });
      expect(q.seen.map((r) => r.method)).toEqual(['GET', 'POST']);
      expect(q.checkins).toHaveLength(1);
    }
  });

  it('never posts blind when the read-back fails: retry on 5xx, failed on a permanent 4xx', async () => {
    const q = await fake();
    q.plan.push({ method: 'GET', status: 503, body: { message: 'maintenance' }, headers: { 'retry-after': '30' } });
    const retry = await target(q.base).deliver(nrrMay, attempt(2));
    expect(retry).toMatchObject({ outcome: 'retry', status: 503, retryAfterMs: 30_000 });
    expect(retry.outcome === 'retry' && retry.error).toMatch(
      /^read-back before re-sending failed, so nothing was re-sent: GET 127\.0\.0\.1:\d+ → 503 Service Unavailable: maintenance$/,
    );

    q.plan.push({ method: 'GET', status: 403, body: { message: 'no permission to read metrics' } });
    const failed = await target(q.base).deliver(nrrMay, attempt(3));
    expect(failed).toMatchObject({ outcome: 'failed', status: 403 });
    expect(failed.outcome === 'failed' && failed.response).toContain('GET 127.0.0.1');
    expect(q.seen.every((r) => r.method === 'GET')).toBe(true);
    expect(q.checkins).toHaveLength(0);
  });

  it('retries without posting when the read-back is not JSON or has no numeric actual', async () => {
    const notJson = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login</html>');
    });
    const noActual = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ lastCheckInDate: '2026-06-01T00:00:00Z', actual: 'n/a' }));
    });
    servers.push(notJson, noActual);
    expect(await target(notJson.url).deliver(nrrMay, attempt(2))).toMatchObject({ outcome: 'retry', status: 200, error: expect.stringContaining('not JSON') });
    expect(await target(noActual.url).deliver(nrrMay, attempt(2))).toMatchObject({
      outcome: 'retry',
      status: 200,
      error: expect.stringContaining('no numeric "actual"'),
    });
    expect([...notJson.seen, ...noActual.seen].map((r) => r.method)).toEqual(['GET', 'GET']);
  });

  it('maps statuses like the alert destinations: 401 failed, 429 retried with Retry-After, refused retried', async () => {
    const wrongToken = quantiveTarget(
      quantiveTargetSchema.parse({ kind: 'quantive', name: 'q', token: 'wrong-token-123', accountId: ACCOUNT, baseUrl: (await fake()).base }),
    );
    expect(await wrongToken.deliver(nrrMay, attempt())).toMatchObject({ outcome: 'failed', status: 401 });

    const q = await fake();
    q.plan.push({ method: 'POST', status: 429, headers: { 'retry-after': '7' } });
    expect(await target(q.base).deliver(nrrMay, attempt())).toMatchObject({ outcome: 'retry', status: 429, retryAfterMs: 7_000 });

    const refused = await target(await closedPortUrl()).deliver(nrrMay, attempt());
    expect(refused).toMatchObject({ outcome: 'retry', error: expect.stringContaining('connection refused') });
  });

  it('does not follow a redirect', async () => {
    const moved = await startServer((_req, res) => {
      res.writeHead(302, { location: 'https://elsewhere.example.com/results/api/v1/metrics/x/checkin' });
      res.end();
    });
    servers.push(moved);
    const result = await target(moved.url).deliver(nrrMay, attempt());
    expect(result).toMatchObject({ outcome: 'failed', status: 302 });
    expect(moved.seen).toHaveLength(1);
  });

  it('times out a platform that never answers', async () => {
    const silent = await startServer(() => undefined);
    servers.push(silent);
    const result = await target(silent.url, { timeoutMs: 200 }).deliver(nrrMay, attempt());
    expect(result).toMatchObject({ outcome: 'retry', error: expect.stringContaining('timed out after 200 ms') });
  });

  it("rejects with the dispatcher's abort reason when shutting down", async () => {
    const silent = await startServer(() => undefined);
    servers.push(silent);
    const controller = new AbortController();
    const pending = target(silent.url).deliver(nrrMay, { number: 2, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    await expect(pending).rejects.toThrow('shutting down');
  });
});
