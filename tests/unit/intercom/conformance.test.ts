import nock from 'nock';
import { describe, expect, it } from 'vitest';
import intercom from '../../../connectors/intercom/index.ts';
import { defineConnectorConformance } from '../../../src/sdk/testing/index.ts';
import { BASE, TOKEN } from '../../helpers/intercom-context.ts';
import { fixture } from './intercom-mocks.ts';

/**
 * The Intercom connector against the shared conformance suite, with the vendor
 * fixtures behind nock: `GET /me` for check, `POST /conversations/search` for a count.
 * Interceptors insist on the bearer token and the pinned Intercom-Version.
 */

const REVOKED = 'dG9rOnJldm9rZWQtMDAwMDAwMDAwMC1zZWNyZXQ=';
const NOVEMBER = { start: '2026-11-01T00:00:00.000+01:00', end: '2026-12-01T00:00:00.000+01:00', timeZone: 'Europe/Paris', interval: 'month' } as const;
const unix = (iso: string) => Date.parse(iso) / 1000;

/** The body a count of November's conversations sends: one-record page, the window's bounds. */
const COUNT_BODY = {
  query: {
    operator: 'AND',
    value: [
      { field: 'created_at', operator: '>', value: unix(NOVEMBER.start) },
      { field: 'created_at', operator: '<', value: unix(NOVEMBER.end) - 1 },
    ],
  },
  pagination: { per_page: 1 },
};

function api(token = TOKEN) {
  return nock(BASE, { reqheaders: { authorization: `Bearer ${token}`, 'intercom-version': '2.14' } }).persist();
}

defineConnectorConformance(intercom, () => ({
  connection: { accessToken: TOKEN },
  badConnection: { accessToken: REVOKED },
  query: {
    object: 'conversations',
    query: {
      operator: 'AND',
      value: [
        { field: 'created_at', operator: '>', value: '{{window.start_unix}}' },
        { field: 'created_at', operator: '<', value: '{{window.last_unix}}' },
      ],
    },
  },
  window: NOVEMBER,
  source: {
    answers: () => {
      api().get('/me').reply(200, fixture('me.json')).post('/conversations/search', COUNT_BODY).reply(200, fixture('conversations-count.json'));
    },
    rejectsCredentials: () => {
      api(REVOKED).get('/me').reply(401, fixture('error-unauthorized.json')).post('/conversations/search').reply(401, fixture('error-unauthorized.json'));
    },
    // Headers go out at once; the body never comes within the test (nock's delay holds the end of it).
    hangs: () => {
      api().post('/conversations/search').delay(60_000).reply(200, fixture('conversations-count.json'));
    },
    reset: () => {
      nock.abortPendingRequests();
      nock.cleanAll();
    },
  },
}));

describe('intercom: declared backfill strategy', () => {
  it('is per-period: search cannot group by date', () => {
    expect(intercom.backfill).toBe('per-period');
  });
});
