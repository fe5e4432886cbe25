import nock from 'nock';
import { describe, expect, it } from 'vitest';
import salesforce from '../../../connectors/salesforce/index.ts';
import { defineConnectorConformance } from '../../../src/sdk/testing/index.ts';
import { fixture, form, INSTANCE, LOGIN, QUERY_PATH, SECRETS, SUM_SOQL, TOKEN_PATH } from './sf-kit.ts';

/**
 * The Salesforce connector (refresh token flow) against the shared conformance suite,
 * with the vendor fixtures behind nock: a token request, then the versions, identity and
 * limits for check, one aggregate SOQL for fetch. Interceptors insist on the form body
 * of the token request, the bearer token and the rendered SOQL.
 */

const CLIENT_ID = '3MVG9-conformance-client';
const REVOKED = '5Aep861REVOKEDrefreshTOKENexample0000000000000000000000000';
const BEARER = { reqheaders: { authorization: 'Bearer 00D5g000004fake!AQ0AQEXAMPLEaccessTOKENone' } };
const SOQL = 'SELECT SUM(Amount) total FROM Opportunity WHERE IsWon = true AND CloseDate >= 2026-11-01 AND CloseDate < 2026-12-01';
const USAGE = { 'Sforce-Limit-Info': 'api-usage=1231/15000' };

const connectionWith = (refreshToken: string) => ({ auth: { flow: 'refreshToken', clientId: CLIENT_ID, clientSecret: SECRETS.clientSecret, refreshToken } });

/** The token endpoint, for a refresh grant presenting `refreshToken` with this app's id and secret. */
function tokenFor(refreshToken: string) {
  const expected = { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID, client_secret: SECRETS.clientSecret };
  return nock(LOGIN)
    .persist()
    .post(TOKEN_PATH, (body) => JSON.stringify(form(body)) === JSON.stringify(expected));
}

defineConnectorConformance(salesforce, () => ({
  connection: connectionWith(SECRETS.refreshToken),
  badConnection: connectionWith(REVOKED),
  query: { soql: SUM_SOQL },
  window: { start: '2026-11-01T00:00:00.000+01:00', end: '2026-12-01T00:00:00.000+01:00', timeZone: 'Europe/Oslo', interval: 'month' },
  source: {
    answers: () => {
      tokenFor(SECRETS.refreshToken).reply(200, fixture('token.json'));
      nock(INSTANCE, BEARER)
        .persist()
        .get('/services/data')
        .reply(200, fixture('versions.json'))
        .get('/services/data/v66.0/limits')
        .reply(200, fixture('limits.json'), USAGE)
        .get(QUERY_PATH)
        .query({ q: SOQL })
        .reply(200, fixture('query-sum.json'), USAGE);
      nock(LOGIN, BEARER).persist().get('/id/00D5g000004fakeEAA/0055g00000AbcdeAAB').reply(200, fixture('identity.json'));
    },
    rejectsCredentials: () => {
      tokenFor(REVOKED).reply(400, fixture('token-invalid-grant.json'));
    },
    // The login succeeds; the query's headers go out at once and its body never comes within the test.
    hangs: () => {
      tokenFor(SECRETS.refreshToken).reply(200, fixture('token.json'));
      nock(INSTANCE, BEARER).persist().get(QUERY_PATH).query(true).delay(60_000).reply(200, fixture('query-sum.json'));
    },
    reset: () => {
      nock.abortPendingRequests();
      nock.cleanAll();
    },
  },
}));

describe('salesforce: declared backfill strategy', () => {
  it("is per-period: SOQL filters on the window, it does not group by the KPI's periods", () => {
    expect(salesforce.backfill).toBe('per-period');
  });
});
