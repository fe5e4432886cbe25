import { describe, expect, it } from 'vitest';
import { stripeErrorMapper } from '../../../connectors/stripe/errors.ts';
import stripe from '../../../connectors/stripe/index.ts';
import { AuthError, BadResponseError, PermissionError, QueryError, RateLimitedError, TransientError } from '../../../src/sdk/errors.ts';
import { fixture, makeContext, mockGet, type MockReply } from './stripe-mocks.ts';

const newSubs = stripe.querySchema.parse({ metric: 'new_subscriptions' });

async function failure(replies: MockReply[], attempts = 1): Promise<{ error: unknown; requests: number }> {
  const seen = mockGet('/v1/subscriptions/search', replies);
  const { ctx, connection } = makeContext({ http: { attempts } });
  const error = await stripe.fetch(connection, newSubs, ctx).then(
    () => {
      throw new Error('expected the fetch to fail');
    },
    (e: unknown) => e,
  );
  return { error, requests: seen.length };
}

describe("stripe errors: Stripe's error bodies become typed errors", () => {
  it("401 (invalid API key) is an AuthError with Stripe's words and what to check, not retried", async () => {
    const { error, requests } = await failure([{ status: 401, body: fixture('error-invalid-api-key.json') }], 3);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toBe(
      'GET api.stripe.com/v1/subscriptions/search → 401: invalid_request_error: Invalid API Key provided: sk_test_********************WxYz; ' +
        "check the connection's secretKey (revoked, rolled, or a key of another account or mode?)",
    );
    expect(requests).toBe(1);
  });

  it('403 (restricted key without the permission) is a PermissionError, not retried', async () => {
    const { error, requests } = await failure([{ status: 403, body: fixture('error-permission.json') }], 3);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toContain("Having the 'rak_subscription_read' permission would allow this request to continue.");
    expect(requests).toBe(1);
  });

  it("400 invalid_request_error is a QueryError carrying Stripe's message and param, not retried", async () => {
    const { error, requests } = await failure([{ status: 400, body: fixture('error-search-field.json') }], 3);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toBe(
      'GET api.stripe.com/v1/subscriptions/search → 400: invalid_request_error: Field `canceled_at` is an unsupported search field for resource `subscriptions`. ' +
        'See http://stripe.com/docs/search#query-fields-for-subscriptions for a list of supported fields. (param query)',
    );
    expect(requests).toBe(1);
  });

  it('500 api_error is retried with backoff, then a TransientError', async () => {
    const { error, requests } = await failure(
      Array.from({ length: 3 }, () => ({ status: 500, body: fixture('error-api.json') })),
      3,
    );
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toContain('api_error: An unknown error occurred (after 3 attempts)');
    expect(requests).toBe(3);
  });

  it('Stripe-Should-Retry: false on a 500 is not retried', async () => {
    const { error, requests } = await failure([{ status: 500, body: fixture('error-api.json'), headers: { 'stripe-should-retry': 'false' } }], 3);
    expect((error as { code?: string; retryable?: boolean }).code).toBe('KS_ERR_TRANSIENT');
    expect((error as { retryable?: boolean }).retryable).toBe(false);
    expect(requests).toBe(1);
  });

  it('Stripe-Should-Retry: true on a 409 is retried and can succeed', async () => {
    const seen = mockGet('/v1/subscriptions/search', [
      { status: 409, body: fixture('error-lock-timeout.json'), headers: { 'stripe-should-retry': 'true' } },
      { body: fixture('subscriptions-search-total.json') },
    ]);
    const { ctx, connection } = makeContext({ http: { attempts: 2 } });
    expect((await stripe.fetch(connection, newSubs, ctx))[0]!.value).toBe(37);
    expect(seen).toHaveLength(2);
  });

  it('a body that is not a search_result is a BadResponseError', async () => {
    const { error } = await failure([{ body: fixture('subscriptions-empty.json') }]);
    expect(error).toBeInstanceOf(BadResponseError);
    expect((error as Error).message).toBe('GET api.stripe.com/v1/subscriptions/search: expected a Stripe search_result, got an object of type list');
  });
});

describe('stripeErrorMapper: the older error types by name', () => {
  const map = stripeErrorMapper('GET api.stripe.com/v1/charges', []);
  const response = (status: number, type: string) => ({ status, headers: {}, data: { error: { type, message: 'said' } } });

  it.each([
    ['authentication_error', AuthError],
    ['permission_error', PermissionError],
    ['rate_limit_error', RateLimitedError],
  ])('%s maps to %s whatever the status', (type, kind) => {
    expect(map(response(400, type))).toBeInstanceOf(kind);
  });

  it('leaves statuses without a Stripe body to the SDK', () => {
    expect(map({ status: 502, headers: {}, data: '<html>bad gateway</html>' })).toBeUndefined();
  });
});
