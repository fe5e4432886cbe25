import nock from 'nock';
import { describe, expect, it } from 'vitest';
import jira from '../../../connectors/jira/index.ts';
import { DC, PASSWORD, PAT, dcConnection, fixture, makeContext } from '../../helpers/jira-context.ts';

const JQL = 'project = OPS AND resolved >= {{window.start}} AND resolved < {{window.end}}';
// Paris midnight is Berlin midnight: the same offset all year.
const NOVEMBER_JQL = 'project = OPS AND resolved >= "2026-11-01 00:00" AND resolved < "2026-12-01 00:00"';
const AT = '2026-11-01T00:00:00.000+01:00';

describe('jira fetch on Data Center', () => {
  it('counts exactly with one search asking for no issues (maxResults 0), with the PAT as Bearer', async () => {
    const scope = nock(DC, { reqheaders: { authorization: `Bearer ${PAT}` } })
      .post('/rest/api/2/search', { jql: NOVEMBER_JQL, maxResults: 0 })
      .reply(200, fixture('search.datacenter.total.json'));
    const { ctx, recorded } = makeContext(dcConnection());
    const values = await jira.fetch(dcConnection(), { metric: 'count', jql: JQL, exact: false }, ctx);
    expect(values).toEqual([{ value: 4821, at: AT }]);
    expect(recorded.counters.apiCalls).toBe(1);
    expect(scope.isDone()).toBe(true);
  });

  it('sums a field with startAt paging until total, asking for that field only', async () => {
    const scope = nock(DC)
      .post('/rest/api/2/search', { jql: NOVEMBER_JQL, startAt: 0, maxResults: 1000, fields: ['customfield_10106'] })
      .reply(200, fixture('search.datacenter.points.page1.json'))
      .post('/rest/api/2/search', { jql: NOVEMBER_JQL, startAt: 2, maxResults: 1000, fields: ['customfield_10106'] })
      .reply(200, fixture('search.datacenter.points.page2.json'));
    const { ctx, recorded } = makeContext(dcConnection());
    const values = await jira.fetch(dcConnection(), { metric: 'sum', jql: JQL, field: 'customfield_10106' }, ctx);
    expect(values).toEqual([{ value: 6.5, at: AT }]);
    expect(recorded.counters.apiCalls).toBe(2);
    expect(scope.isDone()).toBe(true);
  });

  it('looks field names up in /rest/api/2/field and sends username and password as Basic', async () => {
    const connection = dcConnection({ auth: { type: 'basic', username: 'kpi-bot', password: PASSWORD } });
    const basic = `Basic ${Buffer.from(`kpi-bot:${PASSWORD}`).toString('base64')}`;
    const scope = nock(DC, { reqheaders: { authorization: basic } })
      .get('/rest/api/2/field')
      .reply(200, [
        {
          id: 'customfield_10106',
          name: 'Story Points',
          custom: true,
          schema: { type: 'number', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float', customId: 10106 },
        },
      ])
      .post('/rest/api/2/search')
      .reply(200, fixture('search.datacenter.points.page1.json'))
      .post('/rest/api/2/search')
      .reply(200, fixture('search.datacenter.points.page2.json'));
    const { ctx } = makeContext(connection);
    expect(await jira.fetch(connection, { metric: 'avg', jql: JQL, field: 'Story Points' }, ctx)).toEqual([{ value: 6.5 / 3, at: AT }]);
    expect(scope.isDone()).toBe(true);
  });

  it('stops on an empty page even when total promised more', async () => {
    nock(DC).post('/rest/api/2/search').reply(200, { startAt: 0, maxResults: 1000, total: 5, issues: [] });
    const { ctx, recorded } = makeContext(dcConnection());
    expect(await jira.fetch(dcConnection(), { metric: 'sum', jql: JQL, field: 'customfield_10106' }, ctx)).toEqual([{ value: 0, at: AT }]);
    expect(recorded.counters.apiCalls).toBe(1);
  });
});
