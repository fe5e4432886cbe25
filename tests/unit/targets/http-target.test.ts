import { afterEach, describe, expect, it } from 'vitest';
import { renderBody, templateVars } from '../../../src/notify/targets/http-template.ts';
import { httpTarget } from '../../../src/notify/targets/http.target.ts';
import { httpTargetSchema } from '../../../src/notify/targets/target-schemas.ts';
import { nrrMay, oddIdNumericConfidence } from '../../fixtures/targets/push-payloads.ts';
import { json, startServer, type Loopback } from '../sdk/loopback-server.ts';

const servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const attempt = (number = 1) => ({ number, signal: new AbortController().signal });

async function receiver(status = 201): Promise<Loopback> {
  const server = await startServer((_req, res) => json(res, status, { ok: status < 300 }));
  servers.push(server);
  return server;
}

const BODY = {
  krId: '{{kr.id}}',
  value: '{{value}}',
  progress: '{{ progress }}',
  confidence: '{{confidence}}',
  label: 'value {{value}} for {{period}}',
  meta: { source: 'kpi-sync', kr: '{{kr.configId}}', tags: ['{{objective}}', 7, true, null] },
};

function target(url: string, extra: Record<string, unknown> = {}) {
  return httpTarget(httpTargetSchema.parse({ kind: 'http', name: 'hook', url, body: BODY, timeoutMs: 2_000, ...extra }));
}

describe('http target', () => {
  it('renders the body: a lone placeholder keeps its JSON type, anything else is a string', async () => {
    const server = await receiver();
    expect(await target(`${server.url}/api/checkins`).deliver(nrrMay, attempt())).toEqual({ outcome: 'delivered', status: 201 });
    const [request] = server.seen;
    expect(request).toMatchObject({ method: 'POST', url: '/api/checkins' });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      krId: nrrMay.platformId,
      value: 104.2,
      progress: 0.613,
      confidence: 'on_track',
      label: `value 104.2 for ${nrrMay.period}`,
      meta: { source: 'kpi-sync', kr: 'nrr_110', tags: ['grow_existing_accounts', 7, true, null] },
    });
  });

  it('keeps a configured numeric confidence a number', () => {
    expect(renderBody({ c: '{{confidence}}', s: 'c={{confidence}}' }, templateVars(oddIdNumericConfidence))).toEqual({ c: 0.55, s: 'c=0.55' });
  });

  it('uses the configured method, percent-encodes URL placeholders and renders header templates', async () => {
    const server = await receiver(200);
    const t = target(`${server.url}/krs/{{kr.id}}/values?date={{checkInDate}}`, {
      method: 'PATCH',
      headers: { 'Idempotency-Key': '{{key}}', 'X-Note': '{{note}}', Authorization: 'Bearer hook-token-5566' },
    });
    expect(await t.deliver(oddIdNumericConfidence, attempt())).toEqual({ outcome: 'delivered', status: 200 });
    const [request] = server.seen;
    expect(request?.method).toBe('PATCH');
    expect(request?.url).toBe('/krs/kr%2F42%20%C3%BC/values?date=2026-06-01');
    expect(request?.headers).toMatchObject({
      'idempotency-key': oddIdNumericConfidence.key,
      'x-note': 'line one line two %E2%86%92 %E2%9C%93',
      authorization: 'Bearer hook-token-5566',
    });
  });

  it('names the method and host only, and scrubs header values and credential query values', async () => {
    const echo = await startServer((req, res) => json(res, 422, { message: `rejected ${req.url} auth=${req.headers.authorization}` }));
    servers.push(echo);
    const t = target(`${echo.url}/in/{{kr.id}}?api_key=qk-77aa66bb55cc`, { method: 'PUT', headers: { Authorization: 'Bearer hook-token-5566' } });
    const result = await t.deliver(nrrMay, attempt());
    expect(result).toMatchObject({ outcome: 'failed', status: 422 });
    const text = result.outcome === 'failed' ? result.response : '';
    expect(text).toMatch(/^PUT 127\.0\.0\.1:\d+ → 422 Unprocessable Entity: rejected /);
    expect(text).not.toContain('qk-77aa66bb55cc');
    expect(text).not.toContain('hook-token-5566');
  });

  it('rejects unknown placeholders, placeholders in the host, reserved headers and plain http off loopback', () => {
    const issues = (input: Record<string, unknown>) => {
      const parsed = httpTargetSchema.safeParse({ kind: 'http', name: 'hook', url: 'https://okr.example.com/x', body: {}, ...input });
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ body: { v: '{{valeu}}' } })).toEqual([
      expect.stringMatching(/^body: Unknown template variable \{\{valeu\}\}; known variables: kr\.id, kr\.configId, objective, value/),
    ]);
    expect(issues({ url: 'https://{{kr.id}}.example.com/x' })).toEqual(['url: placeholders are allowed in the path and query, not in the scheme or host']);
    expect(issues({ url: 'https://okr.example.com/{{kr.id' })).toEqual(['url: has an unbalanced "{{" or "}}"']);
    expect(issues({ url: 'http://okr.example.com/x' })).toEqual([
      'url: plain http is only allowed for loopback hosts (127.0.0.0/8, localhost, ::1); use https',
    ]);
    expect(issues({ headers: { 'Content-Type': 'text/plain', 'X-K': '{{nope}}' } })).toEqual([
      'headers.Content-Type: set by kpi-sync itself and cannot be overridden',
      expect.stringMatching(/^headers\.X-K: Unknown template variable \{\{nope\}\}/),
    ]);
    expect(issues({ method: 'DELETE' })).toHaveLength(1);
    expect(issues({ extra: true })).toHaveLength(1);
    expect(issues({})).toEqual([]);
  });
});
