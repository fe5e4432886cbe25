import nock from 'nock';
import { describe, expect, it } from 'vitest';
import prometheus from '../../../connectors/prometheus/index.ts';
import { promDuration } from '../../../connectors/prometheus/window.ts';
import { windowAt } from '../../../src/sdk/testing/index.ts';
import { BASE, connection, context, fixture, mockQuery, NOVEMBER, NOVEMBER_END, NOVEMBER_RANGE, query, SERVER_TIMEOUT } from './prometheus-mocks.ts';

describe('prometheus fetch: one instant query per value', () => {
  it('reads a one-series vector at the end of a closed period, as the period start', async () => {
    const scope = mockQuery('sum(up{job="api"}) / count(up{job="api"})', 200, fixture('query-vector-one.json'));
    const { ctx } = context();
    const values = await prometheus.fetch(connection(), query('sum(up{job="api"}) / count(up{job="api"})'), ctx);
    expect(values).toEqual([{ value: 0.9987, at: NOVEMBER.start }]);
    expect(scope.isDone()).toBe(true);
    expect(ctx.diagnostics.counters).toEqual({ queries: 1 });
  });

  it('reads a scalar', async () => {
    mockQuery('scalar(sum(up))', 200, fixture('query-scalar.json'));
    const { ctx } = context();
    expect(await prometheus.fetch(connection(), query('scalar(sum(up))'), ctx)).toEqual([{ value: 1, at: NOVEMBER.start }]);
  });

  it('renders {{window.range}} as the period in Prometheus duration syntax', async () => {
    const promql = `sum(increase(http_requests_total{code=~"5.."}[${NOVEMBER_RANGE}])) / sum(increase(http_requests_total[${NOVEMBER_RANGE}]))`;
    const scope = mockQuery(promql, 200, fixture('query-vector-one.json'));
    const { ctx } = context();
    const q = query('sum(increase(http_requests_total{code=~"5.."}[{{window.range}}])) / sum(increase(http_requests_total[{{window.range}}]))');
    await prometheus.fetch(connection(), q, ctx);
    expect(scope.isDone()).toBe(true);
  });

  it('skips an empty vector by default, and gives 0 with whenEmpty: zero', async () => {
    mockQuery('sum(rate(x[5m]))', 200, fixture('query-vector-empty.json'));
    const skipped = context();
    expect(await prometheus.fetch(connection(), query('sum(rate(x[5m]))'), skipped.ctx)).toEqual([]);
    expect(skipped.ctx.diagnostics.counters).toEqual({ queries: 1, emptyResults: 1 });
    mockQuery('sum(rate(x[5m]))', 200, fixture('query-vector-empty.json'));
    const zero = context();
    expect(await prometheus.fetch(connection(), query('sum(rate(x[5m]))', { whenEmpty: 'zero' }), zero.ctx)).toEqual([{ value: 0, at: NOVEMBER.start }]);
  });

  it('sends the query as a form body with method: POST', async () => {
    const scope = nock(BASE)
      .post('/api/v1/query', (body: Record<string, string>) => body.query === 'sum(up)' && body.time === NOVEMBER_END && body.timeout === SERVER_TIMEOUT)
      .matchHeader('content-type', 'application/x-www-form-urlencoded')
      .reply(200, fixture('query-scalar.json') as nock.Body);
    const conn = connection({ method: 'POST' });
    const { ctx } = context({ conn });
    expect(await prometheus.fetch(conn, query('sum(up)'), ctx)).toHaveLength(1);
    expect(scope.isDone()).toBe(true);
  });

  it('sends basic auth and the extra headers', async () => {
    const conn = connection({ auth: { type: 'basic', username: 'kpi', password: 'pw-123456' }, headers: { 'X-Scope-OrgID': 'team-a' } });
    const scope = nock(BASE, { reqheaders: { authorization: `Basic ${Buffer.from('kpi:pw-123456').toString('base64')}`, 'x-scope-orgid': 'team-a' } })
      .get('/api/v1/query')
      .query(true)
      .reply(200, fixture('query-scalar.json') as nock.Body);
    const { ctx } = context({ conn });
    await prometheus.fetch(conn, query('sum(up)'), ctx);
    expect(scope.isDone()).toBe(true);
  });

  it('logs the warnings Prometheus attaches to an answer', async () => {
    mockQuery('avg(x)', 200, fixture('query-warnings.json'));
    const { ctx, lines } = context();
    expect(await prometheus.fetch(connection(), query('avg(x)'), ctx)).toEqual([{ value: 0.25, at: NOVEMBER.start }]);
    expect(lines.join('\n')).toContain('remote_read: store eu-west-1 unavailable');
  });

  it('evaluates the current period now, over the part of it that has passed', async () => {
    const window = windowAt(new Date(), 'month', 'UTC');
    const before = Date.now();
    let seen: Record<string, string> = {};
    nock(BASE)
      .get('/api/v1/query')
      .query((q) => {
        seen = q as Record<string, string>;
        return true;
      })
      .reply(200, fixture('query-scalar.json') as nock.Body);
    const { ctx } = context({ window });
    await prometheus.fetch(connection(), query('sum(increase(x[{{window.range}}]))'), ctx);
    const time = Number(seen.time) * 1000;
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
    expect(seen.query).toBe(`sum(increase(x[${promDuration(time - Date.parse(window.start))}]))`);
  });

  it('asks nothing for a period that has not begun', async () => {
    const { ctx } = context({ window: { ...NOVEMBER, start: '2999-01-01T00:00:00.000Z', end: '2999-02-01T00:00:00.000Z' } });
    expect(await prometheus.fetch(connection(), query('up'), ctx)).toEqual([]);
  });
});

describe('prometheus backfill: one request per period, from ctx.periods()', () => {
  const autumn = { ...NOVEMBER, start: '2025-09-01T00:00:00.000+02:00' };

  it('evaluates each month at its own end over its own length (October has the extra DST hour)', async () => {
    const ranges: Array<[string, string]> = [
      ['30d', String(Date.parse('2025-10-01T00:00:00.000+02:00') / 1000)],
      ['31d1h', String(Date.parse('2025-11-01T00:00:00.000+01:00') / 1000)],
      ['30d', NOVEMBER_END],
    ];
    const scopes = ranges.map(([range, time], i) =>
      nock(BASE)
        .get('/api/v1/query')
        .query({ query: `sum(increase(x[${range}]))`, time, timeout: SERVER_TIMEOUT })
        .reply(200, { status: 'success', data: { resultType: 'scalar', result: [Number(time), String(i + 1)] } }),
    );
    const { ctx } = context({ window: autumn, mode: 'backfill' });
    const values = await prometheus.fetch(connection(), query('sum(increase(x[{{window.range}}]))'), ctx);
    expect(values).toEqual([
      { value: 1, at: '2025-09-01T00:00:00.000+02:00' },
      { value: 2, at: '2025-10-01T00:00:00.000+02:00' },
      { value: 3, at: '2025-11-01T00:00:00.000+01:00' },
    ]);
    for (const scope of scopes) expect(scope.isDone()).toBe(true);
  });

  it('refuses a backfill wider than maxBackfillPeriods before sending anything', async () => {
    const { ctx } = context({ window: autumn, mode: 'backfill' });
    const error = await prometheus.fetch(connection({ maxBackfillPeriods: 2 }), query('up'), ctx).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KS_ERR_CONFIG', message: expect.stringContaining("raise the connection's maxBackfillPeriods (2)") });
  });
});

describe('prometheus check', () => {
  it('evaluates `1` and reports the version', async () => {
    nock(BASE)
      .get('/api/v1/query')
      .query((q) => q.query === '1')
      .reply(200, fixture('query-scalar.json') as nock.Body);
    nock(BASE)
      .get('/api/v1/status/buildinfo')
      .reply(200, fixture('buildinfo.json') as nock.Body);
    const { ctx } = context();
    expect(await prometheus.check(connection(), ctx)).toEqual({ detail: 'PromQL query API at prometheus.example.com answered; Prometheus 2.42.0+ds' });
  });

  it('passes without a version where buildinfo is missing (a compatible API)', async () => {
    nock(BASE)
      .get('/api/v1/query')
      .query(true)
      .reply(200, fixture('query-scalar.json') as nock.Body);
    nock(BASE).get('/api/v1/status/buildinfo').reply(404, 'not found');
    const { ctx } = context();
    expect((await prometheus.check(connection(), ctx)).detail).toBe('PromQL query API at prometheus.example.com answered');
  });

  it('still fails when buildinfo refuses the credentials (a proxy guarding only some paths)', async () => {
    nock(BASE)
      .get('/api/v1/query')
      .query(true)
      .reply(200, fixture('query-scalar.json') as nock.Body);
    nock(BASE).get('/api/v1/status/buildinfo').reply(403, 'forbidden');
    const { ctx } = context();
    await expect(prometheus.check(connection(), ctx)).rejects.toMatchObject({ code: 'KS_ERR_PERMISSION' });
  });
});
