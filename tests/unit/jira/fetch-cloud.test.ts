import nock from 'nock';
import { describe, expect, it } from 'vitest';
import jira from '../../../connectors/jira/index.ts';
import { ConfigError } from '../../../src/sdk/index.ts';
import { memoryConnectionState } from '../../../src/sdk/testing/index.ts';
import { API_TOKEN, CLOUD, EMAIL, cloudConnection, fixture, makeContext, rejection } from '../../helpers/jira-context.ts';

const BASIC = `Basic ${Buffer.from(`${EMAIL}:${API_TOKEN}`).toString('base64')}`;
const JQL = 'project = KPI AND created >= {{window.start}} AND created < {{window.end}}';
const NOVEMBER_JQL = 'project = KPI AND created >= "2026-11-01 00:00" AND created < "2026-12-01 00:00"';
const AT = '2026-11-01T00:00:00.000+01:00';

/** Interceptors that only match the connector's credentials and JSON bodies. */
function cloud() {
  return nock(CLOUD, { reqheaders: { authorization: BASIC, accept: 'application/json' } });
}

describe('jira fetch on Cloud: counts', () => {
  it('costs one approximate-count request and marks the value approximate', async () => {
    const scope = cloud()
      .post('/rest/api/3/search/approximate-count', { jql: NOVEMBER_JQL })
      .matchHeader('content-type', 'application/json')
      .reply(200, fixture('approximate-count.json'));
    const { ctx, recorded } = makeContext(cloudConnection());
    const values = await jira.fetch(cloudConnection(), { metric: 'count', jql: JQL, exact: false }, ctx);
    expect(values).toEqual([{ value: 153, at: AT, approximate: true }]);
    expect(scope.isDone()).toBe(true);
    expect(recorded.counters.apiCalls).toBe(1);
  });

  it('counts 0 for an empty result', async () => {
    cloud().post('/rest/api/3/search/approximate-count').reply(200, fixture('approximate-count-empty.json'));
    const { ctx } = makeContext(cloudConnection());
    expect(await jira.fetch(cloudConnection(), { metric: 'count', jql: 'project = EMPTY', exact: false }, ctx)).toEqual([
      { value: 0, at: AT, approximate: true },
    ]);
  });

  it('reads the JQL time zone from /myself once for the runs sharing the connection state, when it is not set', async () => {
    const connection = cloudConnection({ jqlTimeZone: undefined });
    const connectionState = memoryConnectionState();
    // Australia/Sydney is the zone in the spec's /myself example: Paris midnight is 10:00 there.
    const sydneyJql = 'project = KPI AND created >= "2026-11-01 10:00" AND created < "2026-12-01 10:00"';
    const scope = cloud()
      .get('/rest/api/3/myself')
      .reply(200, fixture('myself.cloud.json'))
      .post('/rest/api/3/search/approximate-count', { jql: sydneyJql })
      .times(2)
      .reply(200, fixture('approximate-count.json'));
    const first = makeContext(connection, { connectionState });
    await jira.fetch(connection, { metric: 'count', jql: JQL, exact: false }, first.ctx);
    const second = makeContext(connection, { connectionState });
    await jira.fetch(connection, { metric: 'count', jql: JQL, exact: false }, second.ctx);
    expect(scope.isDone()).toBe(true);
    expect([first.recorded.counters.apiCalls, second.recorded.counters.apiCalls]).toEqual([2, 1]);
  });

  it('pages through issue ids for an exact count, asking only for id', async () => {
    const scope = cloud()
      .post('/rest/api/3/search/jql', { jql: NOVEMBER_JQL, fields: ['id'], maxResults: 5000 })
      .reply(200, fixture('search-jql.ids.page1.json'))
      .post('/rest/api/3/search/jql', { jql: NOVEMBER_JQL, fields: ['id'], maxResults: 5000, nextPageToken: 'CAEaAggD' })
      .reply(200, fixture('search-jql.ids.page2.json'));
    const { ctx, recorded } = makeContext(cloudConnection());
    const values = await jira.fetch(cloudConnection(), { metric: 'count', jql: JQL, exact: true }, ctx);
    expect(values).toEqual([{ value: 5, at: AT }]);
    expect(scope.isDone()).toBe(true);
    expect(recorded.counters.apiCalls).toBe(2);
  });

  it('stops when Jira hands back a page token it already gave', async () => {
    cloud()
      .post('/rest/api/3/search/jql')
      .times(2)
      .reply(200, { issues: [{ id: '1' }], nextPageToken: 'same', isLast: false });
    const { ctx } = makeContext(cloudConnection());
    const err = await rejection(jira.fetch(cloudConnection(), { metric: 'count', jql: 'project = KPI', exact: true }, ctx));
    expect((err as Error).message).toMatch(/page token it already gave/);
  });

  it('runs one count per period in a backfill, each stamped with its period start', async () => {
    const months = ['2026-09-01 00:00', '2026-10-01 00:00', '2026-11-01 00:00', '2026-12-01 00:00'];
    const scope = cloud();
    for (let i = 0; i < 3; i += 1) {
      scope
        .post('/rest/api/3/search/approximate-count', { jql: `project = KPI AND created >= "${months[i]}" AND created < "${months[i + 1]}"` })
        .reply(200, { count: 10 * (i + 1) });
    }
    const window = { start: '2026-09-01T00:00:00.000+02:00', end: '2026-12-01T00:00:00.000+01:00' };
    const { ctx, recorded } = makeContext(cloudConnection(), { mode: 'backfill', window });
    const values = await jira.fetch(cloudConnection(), { metric: 'count', jql: JQL, exact: false }, ctx);
    expect(values).toEqual([
      { value: 10, at: '2026-09-01T00:00:00.000+02:00', approximate: true },
      { value: 20, at: '2026-10-01T00:00:00.000+02:00', approximate: true },
      { value: 30, at: '2026-11-01T00:00:00.000+01:00', approximate: true },
    ]);
    expect(scope.isDone()).toBe(true);
    expect(recorded.counters.apiCalls).toBe(3);
  });

  it('refuses to backfill a JQL without window placeholders, before any request', async () => {
    const window = { start: '2026-09-01T00:00:00.000+02:00', end: '2026-12-01T00:00:00.000+01:00' };
    const { ctx, recorded } = makeContext(cloudConnection(), { mode: 'backfill', window });
    const err = await rejection(jira.fetch(cloudConnection(), { metric: 'count', jql: 'project = KPI', exact: false }, ctx));
    expect(err).toBeInstanceOf(ConfigError);
    expect(recorded.counters.apiCalls).toBeUndefined();
  });
});

describe('jira fetch on Cloud: sums and averages', () => {
  const pageBody = (token?: string) => ({ jql: NOVEMBER_JQL, fields: ['customfield_10016'], maxResults: 5000, ...(token ? { nextPageToken: token } : {}) });

  it('resolves a field name once for the runs sharing the connection state, and pages asking for that field only', async () => {
    const connection = cloudConnection();
    const connectionState = memoryConnectionState();
    const scope = cloud()
      .get('/rest/api/3/field')
      .once()
      .reply(200, fixture('fields.json'))
      .post('/rest/api/3/search/jql', pageBody())
      .times(2)
      .reply(200, fixture('search-jql.story-points.page1.json'))
      .post('/rest/api/3/search/jql', pageBody('CAEaAggD'))
      .times(2)
      .reply(200, fixture('search-jql.story-points.page2.json'));
    const first = makeContext(connection, { connectionState });
    const values = await jira.fetch(connection, { metric: 'sum', jql: JQL, field: 'Story Points' }, first.ctx);
    expect(values).toEqual([{ value: 16, at: AT }]);
    expect(first.recorded.rejects).toEqual([{ where: 'KPI-5', reason: 'customfield_10016 is the text "13", not a number' }]);
    expect(first.recorded.counters.apiCalls).toBe(3);
    const second = makeContext(connection, { connectionState });
    await jira.fetch(connection, { metric: 'sum', jql: JQL, field: 'story points' }, second.ctx);
    expect(second.recorded.counters.apiCalls).toBe(2);
    expect(scope.isDone()).toBe(true);
  });

  it('needs no field lookup for a custom field id, and averages over issues that have a value', async () => {
    const scope = cloud()
      .post('/rest/api/3/search/jql', pageBody())
      .reply(200, fixture('search-jql.story-points.page1.json'))
      .post('/rest/api/3/search/jql', pageBody('CAEaAggD'))
      .reply(200, fixture('search-jql.story-points.page2.json'));
    const { ctx, recorded } = makeContext(cloudConnection());
    const values = await jira.fetch(cloudConnection(), { metric: 'avg', jql: JQL, field: 'customfield_10016' }, ctx);
    expect(values).toEqual([{ value: 16 / 3, at: AT }]);
    expect(recorded.counters.apiCalls).toBe(2);
    expect(scope.isDone()).toBe(true);
  });

  it('gives 0 for the sum and no value for the average of no issues', async () => {
    cloud().post('/rest/api/3/search/jql').times(2).reply(200, fixture('search-jql.empty.json'));
    const sum = makeContext(cloudConnection());
    expect(await jira.fetch(cloudConnection(), { metric: 'sum', jql: JQL, field: 'customfield_10016' }, sum.ctx)).toEqual([{ value: 0, at: AT }]);
    const avg = makeContext(cloudConnection());
    expect(await jira.fetch(cloudConnection(), { metric: 'avg', jql: JQL, field: 'customfield_10016' }, avg.ctx)).toEqual([]);
  });

  it('refuses a field that does not hold numbers before searching', async () => {
    const scope = cloud().get('/rest/api/3/field').reply(200, fixture('fields.json'));
    const { ctx, recorded } = makeContext(cloudConnection());
    const err = await rejection(jira.fetch(cloudConnection(), { metric: 'sum', jql: JQL, field: 'Customer tier' }, ctx));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('customfield_10040');
    expect(recorded.counters.apiCalls).toBe(1);
    expect(scope.isDone()).toBe(true);
  });
});
