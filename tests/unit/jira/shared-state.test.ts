import nock from 'nock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import jira from '../../../connectors/jira/index.ts';
import type { JiraConnection, JiraQuery } from '../../../connectors/jira/schema.ts';
import type { ConnectionState } from '../../../src/sdk/index.ts';
import { memoryConnectionState } from '../../../src/sdk/testing/index.ts';
import { CLOUD, cloudConnection, fixture, makeContext } from '../../helpers/jira-context.ts';

/**
 * Field ids and the account's JQL zone are looked up once for every process sharing the
 * connection state (the store), for an hour, and never kept in module memory.
 */

const JQL = 'project = KPI AND created >= {{window.start}} AND created < {{window.end}}';
const SUM: JiraQuery = { metric: 'sum', jql: JQL, field: 'Story Points' };
const COUNT: JiraQuery = { metric: 'count', jql: JQL, exact: false };

/** One run in a "process" of its own: a new HTTP client, the given shared state. */
async function runIn(state: ConnectionState, connection: JiraConnection, query: JiraQuery): Promise<number> {
  const { ctx, recorded } = makeContext(connection, { connectionState: state });
  await jira.fetch(connection, query, ctx);
  return recorded.counters.apiCalls ?? 0;
}

/** Search pages for `runs` sums of customfield_10016 (two pages each). */
function searchPages(runs: number) {
  return nock(CLOUD)
    .post('/rest/api/3/search/jql', (body: { nextPageToken?: string }) => body.nextPageToken === undefined)
    .times(runs)
    .reply(200, fixture('search-jql.story-points.page1.json'))
    .post('/rest/api/3/search/jql', (body: { nextPageToken?: string }) => body.nextPageToken === 'CAEaAggD')
    .times(runs)
    .reply(200, fixture('search-jql.story-points.page2.json'));
}

afterEach(() => {
  vi.useRealTimers();
});

describe('jira shared state: field ids', () => {
  it('two processes sharing one state fetch the field list once', async () => {
    const state = memoryConnectionState();
    const fields = nock(CLOUD).get('/rest/api/3/field').once().reply(200, fixture('fields.json'));
    const pages = searchPages(2);
    // Two parses of the same settings, as two processes would make.
    expect(await runIn(state, cloudConnection(), SUM)).toBe(3);
    expect(await runIn(state, cloudConnection(), SUM)).toBe(2);
    fields.done();
    pages.done();
  });

  it('a process with a state of its own looks the field up itself, even with the same connection object', async () => {
    const connection = cloudConnection();
    const fields = nock(CLOUD).get('/rest/api/3/field').times(2).reply(200, fixture('fields.json'));
    searchPages(2);
    expect(await runIn(memoryConnectionState(), connection, SUM)).toBe(3);
    expect(await runIn(memoryConnectionState(), connection, SUM)).toBe(3);
    fields.done();
  });

  it('looks the field up again once the shared answer is an hour old', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-23T08:00:00Z'));
    const state = memoryConnectionState(() => Date.now());
    const fields = nock(CLOUD).get('/rest/api/3/field').times(2).reply(200, fixture('fields.json'));
    searchPages(3);
    expect(await runIn(state, cloudConnection(), SUM)).toBe(3);
    vi.setSystemTime(new Date('2026-11-23T08:59:00Z'));
    expect(await runIn(state, cloudConnection(), SUM)).toBe(2);
    vi.setSystemTime(new Date('2026-11-23T09:00:00Z'));
    expect(await runIn(state, cloudConnection(), SUM)).toBe(3);
    fields.done();
  });

  it('does not share a failed lookup: the next run asks again', async () => {
    const state = memoryConnectionState();
    const fields = nock(CLOUD).get('/rest/api/3/field').times(2).reply(200, fixture('fields.json'));
    const unknown: JiraQuery = { ...SUM, field: 'Velocity' };
    await expect(runIn(state, cloudConnection(), unknown)).rejects.toThrow(/no Jira field is named or has the id "Velocity"/);
    await expect(runIn(state, cloudConnection(), unknown)).rejects.toThrow(/Velocity/);
    fields.done();
  });
});

describe('jira shared state: JQL time zone', () => {
  it('two processes sharing one state read /myself once', async () => {
    const state = memoryConnectionState();
    const connection = cloudConnection({ jqlTimeZone: undefined });
    const myself = nock(CLOUD).get('/rest/api/3/myself').once().reply(200, fixture('myself.cloud.json'));
    nock(CLOUD).post('/rest/api/3/search/approximate-count').times(2).reply(200, fixture('approximate-count.json'));
    expect(await runIn(state, connection, COUNT)).toBe(2);
    expect(await runIn(state, cloudConnection({ jqlTimeZone: undefined }), COUNT)).toBe(1);
    myself.done();
  });
});
