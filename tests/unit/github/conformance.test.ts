import nock from 'nock';
import github from '../../../connectors/github/index.ts';
import { defineConnectorConformance } from '../../../src/sdk/testing/index.ts';
import { BASE, fixture, NOV_RANGE, NOVEMBER, TOKEN } from './github-mocks.ts';

/**
 * The GitHub connector against the shared conformance suite, behind nock: `GET
 * /rate_limit` for check, `GET /search/issues` for a merged_prs count. Interceptors
 * insist on the token and the pinned API version.
 */

const REVOKED = 'github_pat_11AKPISYNC0revoked0token0ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210';

function api(token = TOKEN) {
  return nock(BASE, { reqheaders: { authorization: `Bearer ${token}`, 'x-github-api-version': '2022-11-28' } }).persist();
}

defineConnectorConformance(github, () => ({
  connection: { token: TOKEN },
  badConnection: { token: REVOKED },
  query: { metric: 'merged_prs', repo: 'acme/widgets' },
  window: NOVEMBER,
  source: {
    answers: () => {
      api()
        .get('/rate_limit')
        .reply(200, fixture('rate-limit.json') as Record<string, unknown>)
        .get('/search/issues')
        .query({ q: `repo:acme/widgets is:pr is:merged merged:${NOV_RANGE}`, per_page: '1', page: '1' })
        .reply(200, fixture('search-merged-prs-count.json') as Record<string, unknown>);
    },
    rejectsCredentials: () => {
      api(REVOKED)
        .get(/.*/)
        .reply(401, fixture('error-bad-credentials.json') as Record<string, unknown>);
    },
    hangs: () => {
      api()
        .get('/search/issues')
        .query(true)
        .delay(60_000)
        .reply(200, fixture('search-merged-prs-count.json') as Record<string, unknown>);
    },
    reset: () => {
      nock.abortPendingRequests();
      nock.cleanAll();
    },
  },
}));
