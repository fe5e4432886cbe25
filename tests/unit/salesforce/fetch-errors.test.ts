import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { AuthError, BadResponseError, ConfigError, PermissionError, QueryError, TransientError } from '../../../src/sdk/index.ts';
import {
  failure,
  fixture,
  fixtureText,
  httpFor,
  INSTANCE,
  LOGIN,
  query,
  QUERY_PATH,
  refreshConnection,
  runFetch,
  SUM_SOQL,
  TOKEN_PATH,
  tokenOnce,
} from './sf-kit.ts';

const sumQuery = query({ soql: SUM_SOQL });

describe('salesforce fetch: errors', () => {
  it('INVALID_SESSION_ID logs in again and retries once: 2 query requests, 1 token request', async () => {
    const connection = refreshConnection();
    tokenOnce();
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-sum.json'));
    await runFetch(connection, sumQuery);

    const refresh = nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token-second.json'));
    const expired = nock(INSTANCE, { reqheaders: { authorization: 'Bearer 00D5g000004fake!AQ0AQEXAMPLEaccessTOKENone' } })
      .get(QUERY_PATH)
      .query(true)
      .reply(401, fixture('error-invalid-session.json'));
    const retried = nock(INSTANCE, { reqheaders: { authorization: 'Bearer 00D5g000004fake!AQ0AQEXAMPLEaccessTOKENtwo' } })
      .get(QUERY_PATH)
      .query(true)
      .reply(200, fixture('query-sum.json'));
    const { values } = await runFetch(connection, sumQuery);
    expect(values[0]?.value).toBe(1284500.5);
    refresh.done();
    expired.done();
    retried.done();
  });

  it('a session still refused after the new login is an AuthError (no third query)', async () => {
    const connection = refreshConnection();
    tokenOnce(2);
    const api = nock(INSTANCE).get(QUERY_PATH).query(true).times(2).reply(401, fixture('error-invalid-session.json'));
    const error = await failure(runFetch(connection, sumQuery));
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain('INVALID_SESSION_ID: Session expired or invalid');
    api.done();
  });

  it('403 API_DISABLED_FOR_ORG is a PermissionError, not retried', async () => {
    const connection = refreshConnection();
    tokenOnce();
    const api = nock(INSTANCE).get(QUERY_PATH).query(true).reply(403, fixture('error-api-disabled.json'));
    const error = await failure(runFetch(connection, sumQuery));
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toContain('API_DISABLED_FOR_ORG: The REST API is not enabled for this Organization.');
    api.done();
  });

  it("MALFORMED_QUERY is a QueryError carrying Salesforce's words, not retried", async () => {
    const connection = refreshConnection();
    tokenOnce();
    const api = nock(INSTANCE).get(QUERY_PATH).query(true).reply(400, fixture('error-malformed-query.json'));
    const error = await failure(runFetch(connection, query({ soql: 'SELECT SUM(Amount total FROM Opportunity' })));
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toMatch(/MALFORMED_QUERY: SELECT SUM\(Amount total FROM Opportunity .*unexpected token: 'total'/);
    api.done();
  });

  it('a version the instance does not serve (404 NOT_FOUND) is a ConfigError naming apiVersion', async () => {
    const connection = refreshConnection({ apiVersion: '99.0' });
    tokenOnce();
    nock(INSTANCE).get('/services/data/v99.0/query').query(true).reply(404, fixture('error-not-found.json'));
    const error = await failure(runFetch(connection, sumQuery));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('API version 99.0 is not served here');
  });

  it('429 waits the Retry-After Salesforce asks for, then succeeds', async () => {
    const connection = refreshConnection();
    const { http, slept } = httpFor(connection);
    tokenOnce();
    nock(INSTANCE)
      .get(QUERY_PATH)
      .query(true)
      .reply(429, fixture('error-server-unavailable.json'), { 'Retry-After': '2', 'Sforce-Limit-Info': 'api-usage=14990/15000' });
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-sum.json'), { 'Sforce-Limit-Info': 'api-usage=14991/15000' });
    const { values, ctx } = await runFetch(connection, sumQuery, http);
    expect(values[0]?.value).toBe(1284500.5);
    expect(slept).toEqual([2000]);
    expect(ctx.diagnostics.usage).toEqual({ used: 14991, limit: 15000 });
  });

  it('500 is retried with backoff; a lasting 500 becomes a TransientError', async () => {
    const connection = refreshConnection();
    tokenOnce();
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(500, fixture('error-server-unavailable.json'));
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-sum.json'));
    expect((await runFetch(connection, sumQuery)).values[0]?.value).toBe(1284500.5);

    const lasting = nock(INSTANCE).get(QUERY_PATH).query(true).times(4).reply(500, fixture('error-server-unavailable.json'));
    const error = await failure(runFetch(connection, sumQuery));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toContain('after 4 attempts');
    lasting.done();
  });

  it('a request that outlives the timeout is a TransientError', async () => {
    const connection = refreshConnection({ timeoutSeconds: 0.05 });
    const { http } = httpFor(connection, { attempts: 2 });
    tokenOnce();
    nock(INSTANCE).get(QUERY_PATH).query(true).times(2).delay(500).reply(200, fixture('query-sum.json'));
    const error = await failure(runFetch(connection, sumQuery, http));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toContain('timed out after 50 ms');
  });

  it('a 200 that is not JSON (a maintenance page) is a BadResponseError', async () => {
    const connection = refreshConnection();
    tokenOnce();
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixtureText('maintenance.html'), { 'Content-Type': 'text/html' });
    const error = await failure(runFetch(connection, sumQuery));
    expect(error).toBeInstanceOf(BadResponseError);
    expect((error as Error).message).toContain('not JSON');
  });

  it('JSON that is not a query result is a BadResponseError', async () => {
    const connection = refreshConnection();
    tokenOnce();
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, { records: 'none' });
    const error = await failure(runFetch(connection, sumQuery));
    expect(error).toBeInstanceOf(BadResponseError);
  });
});
