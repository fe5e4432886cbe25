import nock from 'nock';
import hubspot from '../../../connectors/hubspot/index.ts';
import { defineConnectorConformance } from '../../../src/sdk/testing/index.ts';
import { BASE, fixture, NOVEMBER, TOKEN } from './hubspot-mocks.ts';

/**
 * The HubSpot connector against the shared conformance suite, behind nock: `POST
 * /crm/v3/objects/deals/search` answers both check (a count of every deal) and fetch
 * (deals won in November). Interceptors insist on the bearer token.
 */

const ROTATED = 'pat-na1-00000000-rota-4ted-0000-000000000000';

function api(token = TOKEN) {
  return nock(BASE, { reqheaders: { authorization: `Bearer ${token}` } }).persist();
}

defineConnectorConformance(hubspot, () => ({
  connection: { accessToken: TOKEN },
  badConnection: { accessToken: ROTATED },
  query: { metric: 'deals_won' },
  window: NOVEMBER,
  source: {
    answers: () => {
      api().post('/crm/v3/objects/deals/search').reply(200, fixture('deals-won-count.json'));
    },
    rejectsCredentials: () => {
      api(ROTATED).post('/crm/v3/objects/deals/search').reply(401, fixture('error-unauthorized.json'));
    },
    hangs: () => {
      api().post('/crm/v3/objects/deals/search').delay(60_000).reply(200, fixture('deals-won-count.json'));
    },
    reset: () => {
      nock.abortPendingRequests();
      nock.cleanAll();
    },
  },
}));
