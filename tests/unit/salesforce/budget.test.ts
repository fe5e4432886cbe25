import nock from 'nock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import connector from '../../../connectors/salesforce/index.ts';
import type { SalesforceConnection } from '../../../connectors/salesforce/schema.ts';
import { BudgetDeferredError } from '../../../src/sdk/index.ts';
import { salesforceContext } from '../../helpers/salesforce-context.ts';
import { failure, fixture, httpFor, INSTANCE, LOGIN, query, QUERY_PATH, refreshConnection, storeFor, SUM_SOQL, TOKEN_PATH } from './sf-kit.ts';

const sumQuery = query({ soql: SUM_SOQL });

function fetchFor(connection: SalesforceConnection, kpi = 'won_revenue') {
  const { http } = httpFor(connection);
  const ctx = salesforceContext({ http, kpi, connectionState: storeFor(connection) });
  return { promise: connector.fetch(connection, sumQuery, ctx), ctx };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('salesforce API budget (Sforce-Limit-Info)', () => {
  it('defers the next run without a request once api-usage reaches apiBudget.maxPercent', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-23T08:00:00Z'));
    const connection = refreshConnection({ apiBudget: { maxPercent: 20 } });
    nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token.json'));
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-sum.json'), { 'Sforce-Limit-Info': 'api-usage=3000/15000' });
    const first = fetchFor(connection);
    expect((await first.promise)[0]?.value).toBe(1284500.5);
    expect(first.ctx.diagnostics.usage).toEqual({ used: 3000, limit: 15000 });

    // No interceptor is left: a request here would fail the test with a nock error, not a deferral.
    const error = await failure(fetchFor(connection).promise);
    expect(error).toBeInstanceOf(BudgetDeferredError);
    expect((error as BudgetDeferredError).code).toBe('KS_ERR_BUDGET');
    expect((error as Error).message).toContain('3000/15000 calls in the last 24 h (20%), apiBudget.maxPercent is 20%');
  });

  it('lets one run through to read usage again once the reading is older than recheckAfterMinutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-23T08:00:00Z'));
    const connection = refreshConnection({ apiBudget: { maxPercent: 20, recheckAfterMinutes: 30 } });
    nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token.json'));
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-sum.json'), { 'Sforce-Limit-Info': 'api-usage=3500/15000' });
    await fetchFor(connection).promise;

    vi.setSystemTime(new Date('2026-11-23T08:29:00Z'));
    expect(await failure(fetchFor(connection).promise)).toBeInstanceOf(BudgetDeferredError);

    vi.setSystemTime(new Date('2026-11-23T08:31:00Z'));
    // The shared session is handed out for 15 minutes only: this run logs in again.
    const token = nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token-second.json'));
    const api = nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-sum.json'), { 'Sforce-Limit-Info': 'api-usage=2100/15000' });
    expect((await fetchFor(connection).promise)[0]?.value).toBe(1284500.5);
    token.done();
    api.done();
  });

  it('below the budget, runs go ahead', async () => {
    const connection = refreshConnection({ apiBudget: { maxPercent: 20 } });
    nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token.json'));
    nock(INSTANCE).get(QUERY_PATH).query(true).times(2).reply(200, fixture('query-sum.json'), { 'Sforce-Limit-Info': 'api-usage=2999/15000' });
    await fetchFor(connection).promise;
    expect((await fetchFor(connection).promise)[0]?.value).toBe(1284500.5);
  });
});

describe('salesforce REQUEST_LIMIT_EXCEEDED', () => {
  it("defers (not fails) without retrying, and pauses the connection until each KPI's next run", async () => {
    const connection = refreshConnection();
    nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token.json'));
    const limited = nock(INSTANCE)
      .get(QUERY_PATH)
      .query(true)
      .reply(403, fixture('error-request-limit.json'), { 'Sforce-Limit-Info': 'api-usage=15210/15000' });

    const hit = await failure(fetchFor(connection, 'won_revenue').promise);
    expect(hit).toBeInstanceOf(BudgetDeferredError);
    expect((hit as BudgetDeferredError).retryable).toBe(false);
    expect((hit as Error).message).toContain('REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.');
    limited.done();

    // Another KPI in the same round: deferred without a request.
    const other = await failure(fetchFor(connection, 'new_leads').promise);
    expect(other).toBeInstanceOf(BudgetDeferredError);
    expect((other as Error).message).toContain('paused until the next run');

    // The first KPI's next run lifts the pause and tries again.
    const again = nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-sum.json'), { 'Sforce-Limit-Info': 'api-usage=14000/15000' });
    expect((await fetchFor(connection, 'won_revenue').promise)[0]?.value).toBe(1284500.5);
    again.done();
  });
});
