import nock from 'nock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import connector from '../../../connectors/salesforce/index.ts';
import { loginsInFlight } from '../../../connectors/salesforce/login-flight.ts';
import type { SalesforceConnection } from '../../../connectors/salesforce/schema.ts';
import { sharedState } from '../../../connectors/salesforce/state.ts';
import { BudgetDeferredError, type ConnectionState } from '../../../src/sdk/index.ts';
import { memoryConnectionState } from '../../../src/sdk/testing/index.ts';
import { salesforceCheckContext, salesforceContext } from '../../helpers/salesforce-context.ts';
import { failure, fixture, form, httpFor, INSTANCE, LOGIN, query, QUERY_PATH, refreshConnection, SECRETS, SUM_SOQL, TOKEN_PATH } from './sf-kit.ts';

/**
 * Two workers on one connection: each "process" has its own HTTP client and its own
 * SalesforceClient, and they share nothing but one connection state, as two processes
 * share the store. Nothing may travel through module memory.
 */

const sumQuery = query({ soql: SUM_SOQL });
const BEARER_ONE = 'Bearer 00D5g000004fake!AQ0AQEXAMPLEaccessTOKENone';
const BEARER_TWO = 'Bearer 00D5g000004fake!AQ0AQEXAMPLEaccessTOKENtwo';
const BEARER_ROTATED = 'Bearer 00D5g000004fake!AQ0AQEXAMPLEaccessTOKENrot';
const ROTATED = fixture<{ refresh_token: string }>('token-rotated.json').refresh_token;

/** One run in a process of its own (a new HTTP client each time) on the given shared state. */
function runIn(state: ConnectionState, connection: SalesforceConnection, kpi: string, logLines: Record<string, unknown>[] = []) {
  const ctx = salesforceContext({ http: httpFor(connection).http, kpi, connectionState: state, logLines });
  return { promise: connector.fetch(connection, sumQuery, ctx), ctx };
}

/** Interceptors a deferred run must never reach: still pending afterwards means no request was sent. */
function bait() {
  return [
    nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token-second.json')),
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-sum.json')),
  ];
}

afterEach(() => {
  vi.useRealTimers();
});

describe('salesforce shared state: REQUEST_LIMIT_EXCEEDED pauses every process', () => {
  it('defers another KPI in another process without a request; the KPI that hit the limit lifts the pause on its next run', async () => {
    const connection = refreshConnection();
    const state = memoryConnectionState();
    nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token.json'));
    const limited = nock(INSTANCE)
      .get(QUERY_PATH)
      .query(true)
      .reply(403, fixture('error-request-limit.json'), { 'Sforce-Limit-Info': 'api-usage=15210/15000' });
    const hit = await failure(runIn(state, connection, 'won_revenue').promise);
    expect((hit as BudgetDeferredError).code).toBe('KS_ERR_BUDGET');
    limited.done();

    const untouched = bait();
    const other = runIn(state, connection, 'new_leads');
    const deferred = await failure(other.promise);
    expect(deferred).toBeInstanceOf(BudgetDeferredError);
    expect((deferred as BudgetDeferredError).code).toBe('KS_ERR_BUDGET');
    expect((deferred as Error).message).toContain('paused until the next run: ');
    expect(untouched.map((scope) => scope.isDone())).toEqual([false, false]);
    expect(other.ctx.diagnostics.counters.apiCalls).toBeUndefined();

    // won_revenue's next run, in the second process: it goes ahead with the session the first one shared.
    nock.cleanAll();
    const token = nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token-second.json'));
    const again = nock(INSTANCE, { reqheaders: { authorization: BEARER_ONE } })
      .get(QUERY_PATH)
      .query(true)
      .reply(200, fixture('query-sum.json'), { 'Sforce-Limit-Info': 'api-usage=12000/15000' });
    expect((await runIn(state, connection, 'won_revenue').promise)[0]?.value).toBe(1284500.5);
    again.done();
    expect(token.isDone()).toBe(false);

    // The pause is lifted for everyone, and the new reading is under budget: new_leads reads too.
    const after = nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-sum.json'));
    await runIn(state, connection, 'new_leads').promise;
    after.done();
  });

  it('a process on a store of its own is not paused: the pause travels through the state, not module memory', async () => {
    const connection = refreshConnection();
    nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token.json'));
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(403, fixture('error-request-limit.json'));
    await failure(runIn(memoryConnectionState(), connection, 'won_revenue').promise);

    const [token, api] = bait();
    expect((await runIn(memoryConnectionState(), connection, 'new_leads').promise)[0]?.value).toBe(1284500.5);
    expect([token?.isDone(), api?.isDone()]).toEqual([true, true]);
  });

  it('an over-budget usage reading from one process defers the next run in another', async () => {
    const connection = refreshConnection({ apiBudget: { maxPercent: 50 } });
    const state = memoryConnectionState();
    nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token.json'));
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-sum.json'), { 'Sforce-Limit-Info': 'api-usage=9000/15000' });
    await runIn(state, connection, 'won_revenue').promise;

    const untouched = bait();
    const error = await failure(runIn(state, connection, 'new_leads').promise);
    expect((error as Error).message).toContain('9000/15000 calls in the last 24 h (60%), apiBudget.maxPercent is 50%');
    expect(untouched.map((scope) => scope.isDone())).toEqual([false, false]);
  });
});

describe('salesforce shared state: tokens', () => {
  it('a session one process obtained is used by another without a token request, for 15 minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-23T08:00:00Z'));
    const connection = refreshConnection();
    const state = memoryConnectionState(() => Date.now());
    const first = nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token.json'));
    nock(INSTANCE, { reqheaders: { authorization: BEARER_ONE } })
      .get(QUERY_PATH)
      .query(true)
      .times(2)
      .reply(200, fixture('query-sum.json'));
    await runIn(state, connection, 'won_revenue').promise;
    first.done();

    vi.setSystemTime(new Date('2026-11-23T08:14:00Z'));
    const second = nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token-second.json'));
    expect((await runIn(state, connection, 'new_leads').promise)[0]?.value).toBe(1284500.5);
    expect(second.isDone()).toBe(false);

    // 15 minutes after it was issued the token may have expired: the next run logs in again.
    vi.setSystemTime(new Date('2026-11-23T08:15:00Z'));
    const api = nock(INSTANCE, { reqheaders: { authorization: BEARER_TWO } })
      .get(QUERY_PATH)
      .query(true)
      .reply(200, fixture('query-sum.json'));
    await runIn(state, connection, 'new_leads').promise;
    second.done();
    api.done();
  });

  it('a refresh token rotated by one process is the one the next process presents', async () => {
    const connection = refreshConnection();
    const state = memoryConnectionState();
    const lines: Record<string, unknown>[] = [];
    nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token-rotated.json'));
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-sum.json'));
    await runIn(state, connection, 'won_revenue', lines).promise;
    expect(lines.filter((l) => String(l.msg).includes('rotates refresh tokens'))).toHaveLength(1);

    // The second process finds the session revoked and logs in: with the rotated token, not the configured one.
    let presented = '';
    nock(INSTANCE, { reqheaders: { authorization: BEARER_ROTATED } })
      .get(QUERY_PATH)
      .query(true)
      .reply(401, fixture('error-invalid-session.json'));
    nock(LOGIN)
      .post(TOKEN_PATH, (body) => {
        presented = form(body).refresh_token ?? '';
        return true;
      })
      .reply(200, fixture('token-second.json'));
    nock(INSTANCE, { reqheaders: { authorization: BEARER_TWO } })
      .get(QUERY_PATH)
      .query(true)
      .reply(200, fixture('query-sum.json'));
    const later: Record<string, unknown>[] = [];
    await runIn(state, connection, 'new_leads', later).promise;
    expect(presented).toBe(ROTATED);
    expect(JSON.stringify([...lines, ...later])).not.toContain(ROTATED);
  });

  it('a refresh token refused because another process rotated it meanwhile is retried once with the newer one', async () => {
    const connection = refreshConnection();
    const state = memoryConnectionState();
    const presented: string[] = [];
    nock(LOGIN)
      .post(TOKEN_PATH, (body) => {
        presented.push(form(body).refresh_token ?? '');
        return true;
      })
      .reply(async () => {
        // Another process rotates the token while our request is on its way: ours is now spent.
        await sharedState(state).saveRefreshToken(ROTATED);
        return [400, fixture('token-invalid-grant.json')];
      })
      .post(TOKEN_PATH, (body) => {
        presented.push(form(body).refresh_token ?? '');
        return true;
      })
      .reply(200, fixture('token.json'));
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-sum.json'));
    expect((await runIn(state, connection, 'won_revenue').promise)[0]?.value).toBe(1284500.5);
    expect(presented).toEqual([SECRETS.refreshToken, ROTATED]);
  });

  it('check logs in although a run left a session, and shares what it learns', async () => {
    const connection = refreshConnection();
    const state = memoryConnectionState();
    nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token.json'));
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-sum.json'));
    await runIn(state, connection, 'won_revenue').promise;

    const token = nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token-rotated.json'));
    nock(INSTANCE).get('/services/data').reply(200, fixture('versions.json'));
    nock(LOGIN).get('/id/00D5g000004fakeEAA/0055g00000AbcdeAAB').reply(200, fixture('identity.json'));
    nock(INSTANCE).get('/services/data/v66.0/limits').reply(200, fixture('limits.json'), { 'Sforce-Limit-Info': 'api-usage=1231/15000' });
    await connector.check(connection, salesforceCheckContext({ http: httpFor(connection).http, connectionState: state }));
    token.done();
    expect(await sharedState(state).refreshToken()).toBe(ROTATED);
    expect((await sharedState(state).session())?.accessToken).toBe(BEARER_ROTATED.slice('Bearer '.length));
    expect(await sharedState(state).usage()).toMatchObject({ used: 1231, limit: 15000 });
  });

  it('keeps no login in module memory once it settles', async () => {
    const connection = refreshConnection();
    const state = memoryConnectionState();
    const token = nock(LOGIN).post(TOKEN_PATH).delay(20).reply(200, fixture('token.json'));
    nock(INSTANCE).get(QUERY_PATH).query(true).times(2).reply(200, fixture('query-sum.json'));
    const asked = new Promise((resolve) => token.once('request', resolve));
    const runs = [runIn(state, connection, 'won_revenue').promise, runIn(state, connection, 'new_leads').promise];
    await asked;
    expect(loginsInFlight()).toBe(1);
    await Promise.all(runs);
    token.done();
    expect(loginsInFlight()).toBe(0);
  });
});
