import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import prometheus from '../../../connectors/prometheus/index.ts';

const { connectionSchema, querySchema } = prometheus;

function issues(schema: z.ZodType, value: unknown): Array<{ path: string; message: string }> {
  const parsed = schema.safeParse(value);
  expect(parsed.success, 'the value should have been refused').toBe(false);
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe('prometheus connection settings', () => {
  it('defaults: no auth, no extra headers, GET, 30 s, 400 backfill periods', () => {
    expect(connectionSchema.parse({ baseUrl: 'https://prom.example.com/prometheus/' })).toEqual({
      baseUrl: 'https://prom.example.com/prometheus',
      auth: { type: 'none' },
      headers: {},
      method: 'GET',
      timeoutMs: 30_000,
      maxBackfillPeriods: 400,
    });
  });

  it('takes basic and bearer auth and secret extra headers', () => {
    const basic = connectionSchema.parse({ baseUrl: 'https://p.example.com', auth: { type: 'basic', username: 'kpi', password: 'pw-123456' } });
    expect(basic.auth).toEqual({ type: 'basic', username: 'kpi', password: 'pw-123456' });
    const bearer = connectionSchema.parse({
      baseUrl: 'https://p.example.com',
      auth: { type: 'bearer', token: 'tok-123456' },
      headers: { 'X-Scope-OrgID': 'team-a' },
    });
    expect(bearer.headers).toEqual({ 'X-Scope-OrgID': 'team-a' });
  });

  it('names the missing password', () => {
    expect(issues(connectionSchema, { baseUrl: 'https://p.example.com', auth: { type: 'basic', username: 'kpi' } })).toContainEqual(
      expect.objectContaining({ path: 'auth.password' }),
    );
  });

  it('refuses an unknown auth type, naming auth.type', () => {
    expect(issues(connectionSchema, { baseUrl: 'https://p.example.com', auth: { type: 'oauth2' } })[0]!.path).toBe('auth.type');
  });

  it('refuses plain http to a non-loopback host', () => {
    expect(issues(connectionSchema, { baseUrl: 'http://prom.internal:9090' })).toContainEqual({
      path: 'baseUrl',
      message: expect.stringContaining('plain http is only allowed for loopback hosts'),
    });
    expect(connectionSchema.parse({ baseUrl: 'http://127.0.0.1:9090' }).baseUrl).toBe('http://127.0.0.1:9090');
  });

  it('refuses a link-local address unless allowLinkLocal is set', () => {
    expect(issues(connectionSchema, { baseUrl: 'https://169.254.169.254' })).toContainEqual({
      path: 'baseUrl',
      message: expect.stringContaining('allowLinkLocal: true'),
    });
    expect(connectionSchema.parse({ baseUrl: 'https://169.254.169.254', allowLinkLocal: true }).allowLinkLocal).toBe(true);
  });

  it('refuses an Authorization header beside an auth type, and a malformed header name', () => {
    expect(
      issues(connectionSchema, { baseUrl: 'https://p.example.com', auth: { type: 'bearer', token: 'tok-123456' }, headers: { Authorization: 'Basic eA==' } }),
    ).toContainEqual({
      path: 'headers.Authorization',
      message: 'an Authorization header conflicts with auth type "bearer"; keep one of them',
    });
    expect(issues(connectionSchema, { baseUrl: 'https://p.example.com', headers: { 'X Tenant': 'a' } })[0]!.path).toBe('headers.X Tenant');
  });

  it('refuses unknown settings and out-of-range timeouts', () => {
    expect(issues(connectionSchema, { baseUrl: 'https://p.example.com', token: 'x' })[0]!.message).toMatch(/Unrecognized key.*token/);
    expect(issues(connectionSchema, { baseUrl: 'https://p.example.com', timeoutMs: 10 })[0]!.path).toBe('timeoutMs');
  });

  it('marks every credential write-only in the JSON Schema', () => {
    const json = JSON.stringify(z.toJSONSchema(connectionSchema, { io: 'input', unrepresentable: 'any' }));
    // password, token and the header values.
    expect(json.match(/"writeOnly":true/g)).toHaveLength(3);
  });
});

describe('prometheus query settings', () => {
  it('defaults whenEmpty to skip', () => {
    expect(querySchema.parse({ promql: ' up ' })).toEqual({ promql: 'up', whenEmpty: 'skip' });
  });

  it('refuses an unknown placeholder when the config loads, listing the known ones', () => {
    expect(issues(querySchema, { promql: 'increase(x[{{window.rnge}}])' })).toEqual([
      {
        path: 'promql',
        message: 'Unknown template variable {{window.rnge}}; known variables: window.range, window.rangeSeconds, window.startUnix, window.endUnix',
      },
    ]);
  });

  it('refuses an unbalanced placeholder and an empty query', () => {
    expect(issues(querySchema, { promql: 'increase(x[{{window.range])' })[0]).toMatchObject({ path: 'promql', message: expect.stringContaining('unbalanced') });
    expect(issues(querySchema, { promql: '  ' })[0]!.path).toBe('promql');
  });

  it('refuses a whenEmpty it does not know', () => {
    expect(issues(querySchema, { promql: 'up', whenEmpty: 'null' })[0]!.path).toBe('whenEmpty');
  });

  it('measures a flow when the PromQL uses the window, a snapshot otherwise, unless told', () => {
    const measure = (q: Record<string, unknown>) => prometheus.measure!(querySchema.parse(q));
    expect(measure({ promql: 'sum(increase(http_requests_total[{{window.range}}]))' })).toBe('flow');
    expect(measure({ promql: 'sum(http_requests_total @ {{ window.endUnix }})' })).toBe('flow');
    expect(measure({ promql: 'histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))' })).toBe('snapshot');
    expect(measure({ promql: 'sum(increase(x[30d]))', measure: 'flow' })).toBe('flow');
  });
});
