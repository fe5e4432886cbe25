import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { BadResponseError } from '../../../src/sdk/index.ts';
import { windowOf } from '../../helpers/salesforce-context.ts';
import { COUNT_SOQL, failure, fixture, INSTANCE, query, QUERY_PATH, refreshConnection, runFetch, SUM_SOQL, tokenOnce } from './sf-kit.ts';

const LIMIT_INFO = { 'Sforce-Limit-Info': 'api-usage=1230/15000' };
const sumQuery = query({ soql: SUM_SOQL });

describe('salesforce fetch: pushed-down aggregates', () => {
  it('reads a SUM with one query request, window dates as SOQL literals in the KPI zone', async () => {
    const connection = refreshConnection();
    const token = tokenOnce();
    let seenQ = '';
    const api = nock(INSTANCE, { reqheaders: { authorization: 'Bearer 00D5g000004fake!AQ0AQEXAMPLEaccessTOKENone' } })
      .get(QUERY_PATH)
      .query((q) => {
        seenQ = String(q.q);
        return true;
      })
      .reply(200, fixture('query-sum.json'), LIMIT_INFO);
    const { values, ctx } = await runFetch(connection, sumQuery);
    expect(values).toEqual([{ value: 1284500.5, at: '2026-11-01T00:00:00.000+01:00' }]);
    expect(seenQ).toBe('SELECT SUM(Amount) total FROM Opportunity WHERE IsWon = true AND CloseDate >= 2026-11-01 AND CloseDate < 2026-12-01');
    expect(ctx.diagnostics.usage).toEqual({ used: 1230, limit: 15000 });
    expect(ctx.diagnostics.counters.apiCalls).toBe(1);
    token.done();
    api.done();
  });

  it('reads SELECT COUNT() from totalSize; a second run reuses the session (one request per value)', async () => {
    const connection = refreshConnection();
    const token = tokenOnce(1);
    let seenQ = '';
    const api = nock(INSTANCE)
      .get(QUERY_PATH)
      .query((q) => {
        seenQ = String(q.q);
        return true;
      })
      .times(2)
      .reply(200, fixture('query-count.json'), LIMIT_INFO);
    const q = query({ soql: COUNT_SOQL });
    const first = await runFetch(connection, q);
    const second = await runFetch(connection, q);
    expect(first.values).toEqual([{ value: 12345, at: '2026-11-01T00:00:00.000+01:00' }]);
    expect(second.values).toEqual(first.values);
    expect(second.ctx.diagnostics.counters.apiCalls).toBe(1);
    expect(seenQ).toBe('SELECT COUNT() FROM Lead WHERE CreatedDate >= 2026-11-01T00:00:00+01:00 AND CreatedDate < 2026-12-01T00:00:00+01:00');
    token.done();
    api.done();
  });

  it('reads an unaliased aggregate from expr0, and GROUP BY rows as dimensions', async () => {
    const connection = refreshConnection();
    tokenOnce();
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-expr0.json'));
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-grouped.json'));
    const plain = await runFetch(connection, query({ soql: 'SELECT COUNT_DISTINCT(AccountId) FROM Opportunity' }));
    expect(plain.values).toEqual([{ value: 42, at: '2026-11-01T00:00:00.000+01:00' }]);
    const grouped = await runFetch(
      connection,
      query({ soql: 'SELECT StageName, SUM(Amount) total FROM Opportunity GROUP BY StageName', dimensions: ['StageName'] }),
    );
    expect(grouped.values).toEqual([
      { value: 900000, at: '2026-11-01T00:00:00.000+01:00', dimensions: { StageName: 'Closed Won' } },
      { value: 384500.5, at: '2026-11-01T00:00:00.000+01:00', dimensions: { StageName: 'Negotiation/Review' } },
    ]);
  });

  it('uses queryAll when includeDeleted is set', async () => {
    const connection = refreshConnection();
    tokenOnce();
    const api = nock(INSTANCE).get('/services/data/v66.0/queryAll').query(true).reply(200, fixture('query-count.json'));
    const { values } = await runFetch(connection, query({ soql: COUNT_SOQL, includeDeleted: true }));
    expect(values[0]?.value).toBe(12345);
    api.done();
  });
});

describe('salesforce fetch: client-side aggregation', () => {
  const plain = 'SELECT Amount FROM Opportunity WHERE CloseDate >= {{window.startDate}} AND CloseDate < {{window.endDate}}';

  it('pages through nextRecordsUrl and sums the field, skipping nulls', async () => {
    const connection = refreshConnection();
    tokenOnce();
    const first = nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-records-page1.json'), LIMIT_INFO);
    const next = nock(INSTANCE).get('/services/data/v66.0/query/01gD0000002HU6KIAW-3').reply(200, fixture('query-records-page2.json'), LIMIT_INFO);
    const { values, ctx } = await runFetch(connection, query({ soql: plain, aggregate: 'sum', value: 'Amount' }));
    expect(values).toEqual([{ value: 7000, at: '2026-11-01T00:00:00.000+01:00' }]);
    expect(ctx.diagnostics.counters).toMatchObject({ apiCalls: 2, pagesRead: 2 });
    first.done();
    next.done();
  });

  it('averages over non-null values', async () => {
    const connection = refreshConnection();
    tokenOnce();
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-records-page1.json'));
    nock(INSTANCE).get('/services/data/v66.0/query/01gD0000002HU6KIAW-3').reply(200, fixture('query-records-page2.json'));
    const { values } = await runFetch(connection, query({ soql: plain, aggregate: 'avg', value: 'Amount' }));
    expect(values[0]?.value).toBe(1750);
  });

  it('counts from totalSize of the first page without paging', async () => {
    const connection = refreshConnection();
    tokenOnce();
    const first = nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-records-page1.json'));
    const { values, ctx } = await runFetch(connection, query({ soql: 'SELECT Id FROM Opportunity', aggregate: 'count' }));
    expect(values).toEqual([{ value: 5, at: '2026-11-01T00:00:00.000+01:00' }]);
    expect(ctx.diagnostics.counters.apiCalls).toBe(1);
    first.done();
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('refuses a nextRecordsUrl on another host rather than send the token there', async () => {
    const connection = refreshConnection();
    tokenOnce();
    const page = { ...fixture<Record<string, unknown>>('query-records-page1.json'), nextRecordsUrl: 'https://evil.example/steal' };
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, page);
    const error = await failure(runFetch(connection, query({ soql: plain, aggregate: 'sum', value: 'Amount' })));
    expect(error).toBeInstanceOf(BadResponseError);
    expect((error as Error).message).toContain('https://evil.example');
  });
});

describe('salesforce fetch: empty results', () => {
  it('COUNT() of nothing is 0, SUM over no rows is 0 (or no value with whenNull: skip), a plain sum of no records is 0', async () => {
    const connection = refreshConnection();
    tokenOnce();
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-count-zero.json'));
    nock(INSTANCE).get(QUERY_PATH).query(true).times(2).reply(200, fixture('query-sum-null.json'));
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-empty.json'));
    expect((await runFetch(connection, query({ soql: COUNT_SOQL }))).values).toEqual([{ value: 0, at: '2026-11-01T00:00:00.000+01:00' }]);
    expect((await runFetch(connection, sumQuery)).values).toEqual([{ value: 0, at: '2026-11-01T00:00:00.000+01:00' }]);
    expect((await runFetch(connection, query({ soql: SUM_SOQL, whenNull: 'skip' }))).values).toEqual([]);
    expect((await runFetch(connection, query({ soql: 'SELECT Amount FROM Opportunity', aggregate: 'sum', value: 'Amount' }))).values).toEqual([
      { value: 0, at: '2026-11-01T00:00:00.000+01:00' },
    ]);
  });
});

describe('salesforce fetch: backfill', () => {
  it('runs the query once per period of the window, each value at its period start', async () => {
    const connection = refreshConnection();
    tokenOnce();
    const seen: string[] = [];
    nock(INSTANCE)
      .get(QUERY_PATH)
      .query((q) => {
        seen.push(String(q.q));
        return true;
      })
      .times(3)
      .reply(200, fixture('query-sum.json'));
    const window = { start: '2026-09-01T00:00:00.000+02:00', end: '2026-12-01T00:00:00.000+01:00', timeZone: 'Europe/Oslo', interval: 'month' as const };
    const { values } = await runFetch(connection, sumQuery, undefined, { window, mode: 'backfill' });
    expect(values.map((v) => v.at)).toEqual(['2026-09-01T00:00:00.000+02:00', '2026-10-01T00:00:00.000+02:00', '2026-11-01T00:00:00.000+01:00']);
    expect(seen.map((q) => q.slice(q.indexOf('CloseDate')))).toEqual([
      'CloseDate >= 2026-09-01 AND CloseDate < 2026-10-01',
      'CloseDate >= 2026-10-01 AND CloseDate < 2026-11-01',
      'CloseDate >= 2026-11-01 AND CloseDate < 2026-12-01',
    ]);
  });

  it('keeps the most recent maxBackfillPeriods and counts the rest as skipped', async () => {
    const connection = refreshConnection();
    tokenOnce();
    const api = nock(INSTANCE).get(QUERY_PATH).query(true).times(2).reply(200, fixture('query-sum.json'));
    const window = { ...windowOf('1970-01-01T00:00:00Z', 'month', 'UTC'), end: '2026-12-01T00:00:00.000Z' };
    const { values, ctx } = await runFetch(connection, query({ soql: SUM_SOQL, maxBackfillPeriods: 2 }), undefined, { window, mode: 'backfill' });
    expect(values.map((v) => v.at)).toEqual(['2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z']);
    expect(ctx.diagnostics.counters.periodsSkipped).toBe(681);
    api.done();
  });

  it("keeps the most recent days of a window wider than the runner's period cap, rather than refusing it", async () => {
    const connection = refreshConnection();
    tokenOnce();
    const api = nock(INSTANCE).get(QUERY_PATH).query(true).times(2).reply(200, fixture('query-sum.json'));
    const window = { ...windowOf('1970-01-01T00:00:00Z', 'day', 'UTC'), end: '2026-12-01T00:00:00.000Z' };
    const days = (Date.parse(window.end) - Date.parse(window.start)) / 86_400_000;
    expect(days).toBeGreaterThan(10_000);
    const { values, ctx } = await runFetch(connection, query({ soql: SUM_SOQL, maxBackfillPeriods: 2 }), undefined, { window, mode: 'backfill' });
    expect(values.map((v) => v.at)).toEqual(['2026-11-29T00:00:00.000Z', '2026-11-30T00:00:00.000Z']);
    expect(ctx.diagnostics.counters.periodsSkipped).toBe(days - 2);
    api.done();
  });
});
