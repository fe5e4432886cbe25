import nock from 'nock';
import { describe, expect, it } from 'vitest';
import prometheus from '../../../connectors/prometheus/index.ts';
import { defineConnectorConformance } from '../../../src/sdk/testing/index.ts';
import { BASE, fixture, NOVEMBER, NOVEMBER_END, NOVEMBER_RANGE, SERVER_TIMEOUT, TENANT, TOKEN } from './prometheus-mocks.ts';

/**
 * The Prometheus connector against the shared conformance suite, with the documented
 * API shapes behind nock: `GET /api/v1/query` (the check's `1` and the KPI's query at the
 * end of November) and `GET /api/v1/status/buildinfo`. Interceptors insist on the bearer
 * token and the tenant header.
 */

const REVOKED = 'cHJvbTpyZXZva2VkLTAwMDAwMDAwMDAtc2VjcmV0';
const PROMQL = 'sum(increase(http_requests_total{code!~"5.."}[{{window.range}}])) / sum(increase(http_requests_total[{{window.range}}]))';
const RENDERED = PROMQL.replaceAll('{{window.range}}', NOVEMBER_RANGE);

function api(token = TOKEN) {
  return nock(BASE, { reqheaders: { authorization: `Bearer ${token}`, 'x-scope-orgid': TENANT } }).persist();
}

defineConnectorConformance(prometheus, () => ({
  connection: { baseUrl: BASE, auth: { type: 'bearer', token: TOKEN }, headers: { 'X-Scope-OrgID': TENANT } },
  badConnection: { baseUrl: BASE, auth: { type: 'bearer', token: REVOKED }, headers: { 'X-Scope-OrgID': TENANT } },
  query: { promql: PROMQL },
  window: NOVEMBER,
  source: {
    answers: () => {
      api()
        .get('/api/v1/query')
        .query({ query: RENDERED, time: NOVEMBER_END, timeout: SERVER_TIMEOUT })
        .reply(200, fixture('query-vector-one.json'))
        .get('/api/v1/query')
        .query((q) => q.query === '1')
        .reply(200, fixture('query-scalar.json'))
        .get('/api/v1/status/buildinfo')
        .reply(200, fixture('buildinfo.json'));
    },
    // A proxy in front of Prometheus refusing the token, in plain text as oauth2-proxy and nginx do.
    rejectsCredentials: () => {
      api(REVOKED).get('/api/v1/query').query(true).reply(401, 'Unauthorized\n', { 'content-type': 'text/plain' });
    },
    hangs: () => {
      api().get('/api/v1/query').query(true).delay(60_000).reply(200, fixture('query-vector-one.json'));
    },
    reset: () => {
      nock.abortPendingRequests();
      nock.cleanAll();
    },
  },
}));

describe('prometheus: declared strategy', () => {
  it('is per-period: one instant query per period', () => {
    expect(prometheus.backfill).toBe('per-period');
  });
});
