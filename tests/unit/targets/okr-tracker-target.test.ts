import { afterEach, describe, expect, it } from 'vitest';
import { okrTrackerTarget } from '../../../src/notify/targets/okr-tracker.target.ts';
import { okrTrackerTargetSchema } from '../../../src/notify/targets/target-schemas.ts';
import { nrrMay } from '../../fixtures/targets/push-payloads.ts';
import type { Loopback } from '../sdk/loopback-server.ts';
import { startFakeOkrTracker, type FakeOkrTracker } from './fake-platforms.ts';

const TEAM_SECRET = 'team-secret-0b1c2d3e';
const API_KEY = 'gw-key-99aa88bb77cc';

const servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const attempt = (number = 1) => ({ number, signal: new AbortController().signal });

async function fake(): Promise<FakeOkrTracker> {
  const server = await startFakeOkrTracker(TEAM_SECRET);
  servers.push(server);
  return server;
}

function target(baseUrl: string, extra: Record<string, unknown> = {}) {
  return okrTrackerTarget(okrTrackerTargetSchema.parse({ kind: 'okr-tracker', name: 'okr', baseUrl, teamSecret: TEAM_SECRET, timeoutMs: 2_000, ...extra }));
}

describe('okr-tracker target', () => {
  it('keyres (the default): POSTs the value as `progress` with the team secret', async () => {
    const okr = await fake();
    expect(await target(okr.url).deliver(nrrMay, attempt())).toEqual({ outcome: 'delivered', status: 200 });
    const [request] = okr.seen;
    expect(request).toMatchObject({ method: 'POST', url: `/keyres/${nrrMay.platformId}` });
    expect(request?.headers).toMatchObject({ 'okr-team-secret': TEAM_SECRET, 'content-type': 'application/json' });
    expect(request?.headers['x-api-key']).toBeUndefined();
    expect(JSON.parse(request?.body ?? '')).toEqual({ progress: 104.2, comment: nrrMay.note });
    expect(okr.keyres).toEqual([{ id: nrrMay.platformId, value: 104.2, comment: nrrMay.note }]);
  });

  it('kpi: PUTs the value for the check-in date, and a repeat replaces it', async () => {
    const okr = await fake();
    const t = target(okr.url, { mode: 'kpi', apiKey: API_KEY });
    expect(await t.deliver(nrrMay, attempt(1))).toEqual({ outcome: 'delivered', status: 200 });
    expect(await t.deliver(nrrMay, attempt(2))).toEqual({ outcome: 'delivered', status: 200 });
    expect(okr.seen.map((r) => [r.method, r.url])).toEqual([
      ['PUT', `/kpi/${nrrMay.platformId}/values/2026-06-01`],
      ['PUT', `/kpi/${nrrMay.platformId}/values/2026-06-01`],
    ]);
    expect(okr.seen[0]?.headers).toMatchObject({ 'okr-team-secret': TEAM_SECRET, 'x-api-key': API_KEY });
    expect(JSON.parse(okr.seen[0]?.body ?? '')).toEqual({ value: 104.2, comment: nrrMay.note });
    expect([...okr.kpiValues.values()]).toHaveLength(1);
  });

  it('leaves out an empty comment', async () => {
    const okr = await fake();
    await target(okr.url).deliver({ ...nrrMay, note: '  ' }, attempt());
    expect(JSON.parse(okr.seen[0]?.body ?? '')).toEqual({ progress: 104.2 });
  });

  it('keyres: a record that landed behind a lost answer is not added again', async () => {
    const okr = await fake();
    okr.plan.push({ method: 'POST', status: 500, landed: true });
    const t = target(okr.url);
    expect(await t.deliver(nrrMay, attempt(1))).toMatchObject({ outcome: 'retry', status: 500 });
    expect(await t.deliver(nrrMay, attempt(2))).toEqual({ outcome: 'delivered', status: 200 });
    expect(okr.seen.map((r) => r.method)).toEqual(['POST', 'GET']);
    expect(okr.keyres).toHaveLength(1);
  });

  it('keyres: a repeat posts when the last record holds another value, and never posts after a failed read', async () => {
    const okr = await fake();
    okr.keyres.push({ id: nrrMay.platformId, value: 99 });
    const t = target(okr.url);
    expect(await t.deliver(nrrMay, attempt(2))).toEqual({ outcome: 'delivered', status: 200 });
    expect(okr.keyres.map((r) => r.value)).toEqual([99, 104.2]);

    okr.plan.push({ method: 'GET', status: 500 });
    const result = await t.deliver({ ...nrrMay, value: 105 }, attempt(2));
    expect(result).toMatchObject({
      outcome: 'retry',
      status: 500,
      error: expect.stringMatching(/^read-back before re-sending failed, so nothing was re-sent: GET /),
    });
    expect(okr.keyres.map((r) => r.value)).toEqual([99, 104.2]);
  });

  it('reports a refused secret as failed, naming the method', async () => {
    const okr = await fake();
    const wrong = okrTrackerTarget(
      okrTrackerTargetSchema.parse({ kind: 'okr-tracker', name: 'okr', baseUrl: okr.url, teamSecret: 'not-the-secret', mode: 'kpi' }),
    );
    const result = await wrong.deliver(nrrMay, attempt());
    expect(result).toMatchObject({ outcome: 'failed', status: 401 });
    expect(result.outcome === 'failed' && result.response).toMatch(/^PUT 127\.0\.0\.1:\d+ → 401 Unauthorized: Unauthorized$/);
  });
});
