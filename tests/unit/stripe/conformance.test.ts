import nock from 'nock';
import { describe, expect, it } from 'vitest';
import stripe from '../../../connectors/stripe/index.ts';
import { STRIPE_API_VERSION } from '../../../connectors/stripe/schema.ts';
import { defineConnectorConformance } from '../../../src/sdk/testing/index.ts';
import { BASE, fixture, KEY, NOVEMBER } from './stripe-mocks.ts';

/**
 * The Stripe connector against the shared conformance suite, behind nock:
 * `GET /v1/subscriptions?limit=1` for check, `GET /v1/subscriptions/search` for a
 * new_subscriptions count. Interceptors insist on the key and the pinned Stripe-Version.
 */

const ROLLED = 'sk_test_51QKpiSyncRolledKey000000000000000000000rolledAbCd';

function api(key = KEY) {
  return nock(BASE, { reqheaders: { authorization: `Bearer ${key}`, 'stripe-version': STRIPE_API_VERSION } }).persist();
}

defineConnectorConformance(stripe, () => ({
  connection: { secretKey: KEY },
  badConnection: { secretKey: ROLLED },
  query: { metric: 'new_subscriptions' },
  window: NOVEMBER,
  source: {
    answers: () => {
      api()
        .get('/v1/subscriptions')
        .query({ limit: '1' })
        .reply(200, fixture('subscriptions-empty.json'))
        .get('/v1/subscriptions/search')
        .query(true)
        .reply(200, fixture('subscriptions-search-total.json'));
    },
    rejectsCredentials: () => {
      api(ROLLED)
        .get(/\/v1\/subscriptions.*/)
        .reply(401, fixture('error-invalid-api-key.json'));
    },
    // Headers go out at once; the body never comes within the test (nock's delay holds the end of it).
    hangs: () => {
      api().get('/v1/subscriptions/search').query(true).delay(60_000).reply(200, fixture('subscriptions-search-total.json'));
    },
    reset: () => {
      nock.abortPendingRequests();
      nock.cleanAll();
    },
  },
}));

describe('stripe: declared strategy', () => {
  it('is per-period: Stripe cannot group counts or sums by date', () => {
    expect(stripe.backfill).toBe('per-period');
  });
});
