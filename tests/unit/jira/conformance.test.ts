import nock from 'nock';
import { describe, expect, it } from 'vitest';
import jira from '../../../connectors/jira/index.ts';
import { defineConnectorConformance } from '../../../src/sdk/testing/index.ts';
import { API_TOKEN, CLOUD, EMAIL, fixture, NOVEMBER } from '../../helpers/jira-context.ts';

/**
 * The Jira connector (Cloud, API token) against the shared conformance suite, with the
 * vendor fixtures behind nock: /myself, /serverInfo and /mypermissions for check, one
 * approximate count for fetch. Interceptors insist on the account's Basic credentials.
 */

const REVOKED = 'ATATT3xFfGF0-revoked-token-0000000000';
const basic = (token: string) => `Basic ${Buffer.from(`${EMAIL}:${token}`).toString('base64')}`;
const JQL = 'project = KPI AND created >= {{window.start}} AND created < {{window.end}}';

function site(token = API_TOKEN) {
  return nock(CLOUD, { reqheaders: { authorization: basic(token) } }).persist();
}

defineConnectorConformance(jira, () => ({
  connection: { baseUrl: CLOUD, auth: { type: 'api-token', email: EMAIL, apiToken: API_TOKEN }, jqlTimeZone: 'Europe/Paris' },
  badConnection: { baseUrl: CLOUD, auth: { type: 'api-token', email: EMAIL, apiToken: REVOKED }, jqlTimeZone: 'Europe/Paris' },
  query: { metric: 'count', jql: JQL },
  window: NOVEMBER,
  source: {
    answers: () => {
      site()
        .get('/rest/api/3/myself')
        .reply(200, fixture('myself.cloud.json'))
        .get('/rest/api/3/serverInfo')
        .reply(200, fixture('server-info.cloud.json'))
        .get('/rest/api/3/mypermissions')
        .query({ permissions: 'BROWSE_PROJECTS' })
        .reply(200, fixture('mypermissions.browse.json'))
        .post('/rest/api/3/search/approximate-count', { jql: 'project = KPI AND created >= "2026-11-01 00:00" AND created < "2026-12-01 00:00"' })
        .reply(200, fixture('approximate-count.json'));
    },
    // What Jira Cloud answers a wrong API token.
    rejectsCredentials: () => {
      site(REVOKED).get('/rest/api/3/myself').reply(401, 'Client must be authenticated to access this resource.', { 'content-type': 'text/plain' });
    },
    // Headers go out at once; the body never comes within the test (nock's delay holds the end of it).
    hangs: () => {
      site().post('/rest/api/3/search/approximate-count').delay(60_000).reply(200, fixture('approximate-count.json'));
    },
    reset: () => {
      nock.abortPendingRequests();
      nock.cleanAll();
    },
  },
}));

describe('jira: declared backfill strategy', () => {
  it('is per-period: JQL counts one window at a time', () => {
    expect(jira.backfill).toBe('per-period');
  });
});
