import nock from 'nock';
import { describe, expect, it } from 'vitest';
import jira from '../../../connectors/jira/index.ts';
import { AuthError, BadResponseError, ConfigError, PermissionError, QueryError, RateLimitedError, TransientError } from '../../../src/sdk/index.ts';
import { CLOUD, DC, cloudConnection, dcConnection, fixture, makeContext, rejection } from '../../helpers/jira-context.ts';

const COUNT = { metric: 'count' as const, jql: 'project = KPI', exact: false };
const COUNT_PATH = '/rest/api/3/search/approximate-count';

async function countError(reply: (scope: nock.Scope) => void, http = {}) {
  const scope = nock(CLOUD);
  reply(scope);
  const { ctx, recorded } = makeContext(cloudConnection(), { http });
  const err = await rejection(jira.fetch(cloudConnection(), COUNT, ctx));
  return { err: err as Error, recorded, scope };
}

describe('jira errors: credentials and permissions (never retried)', () => {
  it('401 → AuthError saying what to check, after one request', async () => {
    const { err, recorded } = await countError((s) =>
      s.post(COUNT_PATH).reply(401, 'Client must be authenticated to access this resource.', { 'content-type': 'text/plain' }),
    );
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toMatch(/401 Unauthorized: Client must be authenticated.*check auth\.email \(kpi-bot@acme\.com\) and auth\.apiToken/);
    expect(recorded.counters.apiCalls).toBe(1);
    expect(recorded.sleeps).toEqual([]);
  });

  it('an expired OAuth 2.0 token → AuthError asking for a fresh token', async () => {
    const connection = cloudConnection({
      baseUrl: 'https://api.atlassian.com/ex/jira/11223344-a1b2',
      auth: { type: 'oauth2', accessToken: 'expired-token-123456' },
    });
    nock('https://api.atlassian.com').post(`/ex/jira/11223344-a1b2${COUNT_PATH}`).reply(401, fixture('error.oauth-expired.json'));
    const { ctx } = makeContext(connection);
    const err = (await rejection(jira.fetch(connection, COUNT, ctx))) as Error;
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toMatch(/invalid or expired.*supply a fresh one/);
  });

  it('a 401 for a missing OAuth scope → PermissionError naming the scopes', async () => {
    const connection = cloudConnection({
      baseUrl: 'https://api.atlassian.com/ex/jira/11223344-a1b2',
      auth: { type: 'oauth2', accessToken: 'narrow-token-123456' },
    });
    nock('https://api.atlassian.com').post(`/ex/jira/11223344-a1b2${COUNT_PATH}`).reply(401, fixture('error.oauth-scope.json'));
    const { ctx } = makeContext(connection);
    const err = (await rejection(jira.fetch(connection, COUNT, ctx))) as Error;
    expect(err).toBeInstanceOf(PermissionError);
    expect(err.message).toContain('read:jira-work');
  });

  it('403 → PermissionError with Jira’s words', async () => {
    const { err, recorded } = await countError((s) => s.post(COUNT_PATH).reply(403, fixture('error.forbidden.json')));
    expect(err).toBeInstanceOf(PermissionError);
    expect(err.message).toContain('You do not have permission to perform this operation.');
    expect(recorded.counters.apiCalls).toBe(1);
  });

  it('a Data Center CAPTCHA lock-out (403 + X-Seraph-LoginReason) → AuthError', async () => {
    nock(DC).post('/rest/api/2/search').reply(403, '', { 'x-seraph-loginreason': 'AUTHENTICATION_DENIED' });
    const { ctx } = makeContext(dcConnection());
    const err = (await rejection(jira.fetch(dcConnection(), COUNT, ctx))) as Error;
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toMatch(/CAPTCHA/);
  });
});

describe('jira errors: bad queries and wrong deployments', () => {
  it('400 with errorMessages → QueryError carrying the JQL error, not retried', async () => {
    const { err, recorded } = await countError((s) => s.post(COUNT_PATH).reply(400, fixture('error.jql.json')));
    expect(err).toBeInstanceOf(QueryError);
    expect(err.message).toContain("Error in the JQL Query: Expecting operator but got 'resolved'. (line 1, character 17)");
    expect((err as QueryError).retryable).toBe(false);
    expect(recorded.counters.apiCalls).toBe(1);
  });

  it('410 from Cloud on the Data Center search → ConfigError: set deployment: cloud', async () => {
    nock(DC).post('/rest/api/2/search').reply(410, fixture('error.search-removed.json'));
    const { ctx } = makeContext(dcConnection());
    const err = (await rejection(jira.fetch(dcConnection(), COUNT, ctx))) as Error;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/410 Gone.*set deployment: cloud/);
  });

  it('a bare 404 on /rest/api/3 → ConfigError pointing at baseUrl and deployment', async () => {
    const { err } = await countError((s) => s.post(COUNT_PATH).reply(404, '<html>Not Found</html>', { 'content-type': 'text/html' }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/no Jira Cloud REST API v3 at this baseUrl.*deployment: datacenter/);
  });
});

describe('jira errors: rate limits, server errors, timeouts, bodies', () => {
  it('429 with Retry-After waits as long as Jira asks, then succeeds', async () => {
    const headers = { 'retry-after': '2', 'ratelimit-reason': 'jira-burst-based', 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '0' };
    const scope = nock(CLOUD).post(COUNT_PATH).reply(429, '', headers).post(COUNT_PATH).reply(200, { count: 9 });
    const { ctx, recorded } = makeContext(cloudConnection());
    expect(await jira.fetch(cloudConnection(), COUNT, ctx)).toEqual([expect.objectContaining({ value: 9 })]);
    expect(recorded.sleeps).toEqual([2000]);
    expect(scope.isDone()).toBe(true);
  });

  it('429 asking for longer than the client will sleep → RateLimitedError naming the limit, without waiting', async () => {
    const headers = { 'retry-after': '3600', 'ratelimit-reason': 'jira-quota-global-based' };
    const { err, recorded } = await countError((s) => s.post(COUNT_PATH).reply(429, '', headers));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(3_600_000);
    expect(err.message).toMatch(/429 Too Many Requests \(jira-quota-global-based\); retry after 3600 s/);
    expect(recorded.counters.apiCalls).toBe(1);
    expect(recorded.sleeps).toEqual([]);
  });

  it('slows down before the limit: a page answered with 1 request left waits for X-RateLimit-Reset', async () => {
    const now = Date.parse('2026-11-02T09:00:30Z');
    const nearLimit = { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '2026-11-02T09:01Z', 'x-ratelimit-nearlimit': 'true' };
    const scope = nock(CLOUD)
      .post('/rest/api/3/search/jql')
      .reply(200, fixture('search-jql.story-points.page1.json'), nearLimit)
      .post('/rest/api/3/search/jql')
      .reply(200, fixture('search-jql.story-points.page2.json'));
    const { ctx, recorded } = makeContext(cloudConnection(), { http: { now: () => now } });
    await jira.fetch(cloudConnection(), { metric: 'sum', jql: 'project = KPI', field: 'customfield_10016' }, ctx);
    expect(recorded.sleeps).toEqual([30_000]);
    expect(scope.isDone()).toBe(true);
  });

  it('500 is retried with backoff; a persistent 500 → TransientError after every attempt', async () => {
    const flaky = nock(CLOUD).post(COUNT_PATH).times(2).reply(500, fixture('error.internal.json')).post(COUNT_PATH).reply(200, { count: 4 });
    const first = makeContext(cloudConnection());
    expect(await jira.fetch(cloudConnection(), COUNT, first.ctx)).toEqual([expect.objectContaining({ value: 4 })]);
    expect(first.recorded.sleeps).toHaveLength(2);
    expect(flaky.isDone()).toBe(true);

    const { err } = await countError((s) => s.post(COUNT_PATH).times(4).reply(500, fixture('error.internal.json')));
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toMatch(/500 Internal Server Error: Internal server error \(after 4 attempts\)/);
  });

  it('a response slower than the timeout → TransientError after the attempts', async () => {
    const { err } = await countError((s) => s.post(COUNT_PATH).times(2).delay(400).reply(200, { count: 1 }), { timeoutMs: 50, attempts: 2 });
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toMatch(/timed out after 50 ms \(after 2 attempts\)/);
  });

  it('an HTML page where JSON was expected → BadResponseError, not retried', async () => {
    const html = '<!DOCTYPE html><html><title>Atlassian Cloud Notifications - Page Unavailable</title></html>';
    const { err, recorded } = await countError((s) => s.post(COUNT_PATH).reply(200, html, { 'content-type': 'text/html;charset=UTF-8' }));
    expect(err).toBeInstanceOf(BadResponseError);
    expect(err.message).toMatch(/body is not JSON \(content-type text\/html;charset=UTF-8\)/);
    expect(recorded.counters.apiCalls).toBe(1);
  });

  it('JSON without the documented count → BadResponseError', async () => {
    const { err } = await countError((s) => s.post(COUNT_PATH).reply(200, { total: 3 }));
    expect(err).toBeInstanceOf(BadResponseError);
    expect(err.message).toMatch(/without a whole "count"/);
  });
});
