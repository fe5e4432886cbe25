import nock from 'nock';
import { describe, expect, it } from 'vitest';
import prometheus from '../../../connectors/prometheus/index.ts';
import { BASE, connection, context, fixture, mockQuery, query } from './prometheus-mocks.ts';

const PROMQL = 'sum(rate(http_requests_total[5m]))';

async function failure(status: number, body: unknown, options: { headers?: Record<string, string>; attempts?: number } = {}) {
  mockQuery(PROMQL, status, body, options.headers);
  const { ctx, sleeps } = context({ attempts: options.attempts });
  const error = await prometheus.fetch(connection(), query(PROMQL), ctx).then(
    (values) => ({ resolved: values }),
    (e: unknown) => e,
  );
  return { error: error as Error & { code?: string; retryable?: boolean }, sleeps };
}

describe("prometheus errors: Prometheus's error envelope and statuses", () => {
  it('bad_data (400) is a QueryError in its own words', async () => {
    const { error } = await failure(400, fixture('error-bad-data.json'));
    expect(error).toMatchObject({ code: 'KS_ERR_QUERY', retryable: false });
    expect(error.message).toBe(
      'GET prometheus.example.com/api/v1/query → 400 Bad Request: Prometheus rejected the query (bad_data: invalid parameter "query": 1:14: parse error: missing unit character in duration)',
    );
  });

  it('execution (422) is a QueryError in its own words', async () => {
    const { error } = await failure(422, fixture('error-execution.json'));
    expect(error).toMatchObject({ code: 'KS_ERR_QUERY' });
    expect(error.message).toContain('(execution: found duplicate series for the match group {job="api"}');
    expect(error.message).toContain('many-to-many matching not allowed');
  });

  it('401 is an AuthError and 403 a PermissionError', async () => {
    expect((await failure(401, 'Unauthorized')).error).toMatchObject({ code: 'KS_ERR_AUTH', message: expect.stringContaining('401 Unauthorized') });
    expect((await failure(403, { status: 'error', errorType: 'forbidden', error: 'tenant not allowed' })).error).toMatchObject({ code: 'KS_ERR_PERMISSION' });
  });

  it('a 503 timeout is retried after its Retry-After', async () => {
    mockQuery(PROMQL, 503, fixture('error-timeout.json'), { 'retry-after': '7' });
    mockQuery(PROMQL, 200, fixture('query-scalar.json'));
    const { ctx, sleeps } = context({ attempts: 3 });
    expect(await prometheus.fetch(connection(), query(PROMQL), ctx)).toHaveLength(1);
    expect(sleeps).toEqual([7_000]);
  });

  it('a 503 that persists is a retryable TransientError quoting Prometheus', async () => {
    for (let i = 0; i < 3; i += 1) mockQuery(PROMQL, 503, fixture('error-timeout.json'), { 'retry-after': '1' });
    const { error, sleeps } = await failure(503, fixture('error-timeout.json'), { attempts: 4, headers: { 'retry-after': '1' } });
    expect(error).toMatchObject({ code: 'KS_ERR_TRANSIENT', retryable: true });
    expect(error.message).toBe(
      'GET prometheus.example.com/api/v1/query → 503 Service Unavailable: query timed out in expression evaluation (after 4 attempts)',
    );
    expect(sleeps).toEqual([1_000, 1_000, 1_000]);
  });

  it('a timeout envelope under a 4xx status is still retryable', async () => {
    const { error } = await failure(499, { status: 'error', errorType: 'canceled', error: 'query was canceled' });
    expect(error).toMatchObject({ code: 'KS_ERR_TRANSIENT', retryable: true, message: expect.stringContaining('canceled: query was canceled') });
  });

  it('a plain 404 says the base URL is not the API root', async () => {
    const { error } = await failure(404, '404 page not found\n');
    expect(error).toMatchObject({ code: 'KS_ERR_CONFIG', message: expect.stringContaining('check baseUrl') });
  });

  it('a body that is not JSON is a BadResponseError', async () => {
    nock(BASE).get('/api/v1/query').query(true).reply(200, '<html>login</html>', { 'content-type': 'text/html' });
    const { ctx } = context();
    await expect(prometheus.fetch(connection(), query(PROMQL), ctx)).rejects.toMatchObject({ code: 'KS_ERR_BAD_RESPONSE' });
  });
});

describe('prometheus errors: answers that are not one number', () => {
  it('a matrix is a QueryError suggesting a function over the range', async () => {
    const { error } = await failure(200, fixture('query-matrix.json'));
    expect(error).toMatchObject({ code: 'KS_ERR_QUERY', message: expect.stringContaining('range vector (matrix)') });
    expect(error.message).toContain('avg_over_time(x[{{window.range}}])');
  });

  it('several series are a QueryError listing the first label sets and suggesting sum()', async () => {
    const { error } = await failure(200, fixture('query-vector-multi.json'));
    expect(error).toMatchObject({ code: 'KS_ERR_QUERY' });
    expect(error.message).toBe(
      'GET prometheus.example.com/api/v1/query: the query returns 4 series (' +
        '{__name__="http_requests_total", code="200", instance="api-1:9100", job="api"}, ' +
        '{__name__="http_requests_total", code="200", instance="api-2:9100", job="api"}, ' +
        '{__name__="http_requests_total", code="500", instance="api-1:9100", job="api"}, … (1 more)); ' +
        'a KPI needs one number: aggregate them, e.g. sum(...), or select one series with a label matcher',
    );
  });

  it('NaN is refused with what usually causes it', async () => {
    const { error } = await failure(200, fixture('query-nan.json'));
    expect(error).toMatchObject({ code: 'KS_ERR_QUERY', message: expect.stringContaining('{} is NaN, not a number; usually 0/0') });
  });

  it('+Inf is refused as a division by zero', async () => {
    const { error } = await failure(200, fixture('query-inf.json'));
    expect(error).toMatchObject({ code: 'KS_ERR_QUERY', message: expect.stringContaining('the scalar is +Inf, not a finite number') });
  });

  it('a string and a native histogram are QueryErrors', async () => {
    expect((await failure(200, fixture('query-string.json'))).error).toMatchObject({ code: 'KS_ERR_QUERY', message: expect.stringContaining('a string') });
    expect((await failure(200, fixture('query-native-histogram.json'))).error).toMatchObject({
      code: 'KS_ERR_QUERY',
      message: expect.stringContaining('histogram_quantile()'),
    });
  });

  it('an envelope of another shape is a BadResponseError', async () => {
    expect((await failure(200, { data: [] })).error).toMatchObject({ code: 'KS_ERR_BAD_RESPONSE' });
    expect((await failure(200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, 2] }] } })).error).toMatchObject({
      code: 'KS_ERR_BAD_RESPONSE',
    });
  });
});
