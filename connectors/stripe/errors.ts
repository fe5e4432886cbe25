import {
  AuthError,
  KsError,
  PermissionError,
  QueryError,
  RateLimitedError,
  TransientError,
  excerpt,
  parseRetryAfter,
  type HttpResponse,
} from '../../src/sdk/index.ts';

/** The `error` object of a Stripe error body: `{ error: { type, code?, message?, param? } }`. */
export interface StripeApiError {
  type: string;
  code?: string;
  message?: string;
  param?: string;
}

/** Stripe's own error from a response body, or undefined when the body is not Stripe's `error` shape. */
export function readStripeError(data: unknown): StripeApiError | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const error = (data as { error?: unknown }).error;
  if (error === null || typeof error !== 'object') return undefined;
  const { type, code, message, param } = error as Record<string, unknown>;
  if (typeof type !== 'string') return undefined;
  return {
    type,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof message === 'string' ? { message } : {}),
    ...(typeof param === 'string' ? { param } : {}),
  };
}

/** Backoff Stripe asks for on a 429 without Retry-After ("exponential backoff", https://docs.stripe.com/rate-limits). */
export const RATE_LIMIT_WAIT_MS = 1_000;

/**
 * Turns a Stripe error response into the typed error, for `HttpRequest.mapError`
 * (https://docs.stripe.com/api/errors). The status decides first: Stripe's API
 * description only knows the types api_error, card_error, idempotency_error and
 * invalid_request_error, and answers a bad key (401), a restricted key without the
 * permission (403) and a rate limit (429, code `rate_limit`) with invalid_request_error.
 * The older types authentication_error, permission_error and rate_limit_error are
 * read too. `Stripe-Should-Retry` overrides the status's retry rule
 * (https://docs.stripe.com/error-low-level#idempotency). `secrets` are scrubbed from
 * Stripe's words (a 401 quotes the masked key).
 */
export function stripeErrorMapper(where: string, secrets: readonly string[]) {
  return (response: HttpResponse<unknown>): KsError | undefined => {
    const { status, headers } = response;
    const error = readStripeError(response.data);
    const said = error ? describe(error, secrets) : '';
    const head = `${where} → ${status}${said ? `: ${said}` : ''}`;
    if (status === 401 || error?.type === 'authentication_error') {
      return new AuthError(`${head}; check the connection's secretKey (revoked, rolled, or a key of another account or mode?)`);
    }
    if (status === 403 || error?.type === 'permission_error') {
      return new PermissionError(`${head}; a restricted key needs read access to subscriptions, charges, invoices and events`);
    }
    if (status === 429 || error?.type === 'rate_limit_error' || error?.code === 'rate_limit') {
      const reason = headers['stripe-rate-limited-reason'];
      const waitMs = parseRetryAfter(headers['retry-after'], Date.now()) ?? RATE_LIMIT_WAIT_MS;
      const why = reason ? ` (${reason.replace(/[^\w.-]/g, '').slice(0, 40)})` : '';
      return new RateLimitedError(`${where} → 429${why}${said ? `: ${said}` : ''}; retry after ${Math.ceil(waitMs / 1000)} s`, waitMs);
    }
    const shouldRetry = headers['stripe-should-retry'];
    if (shouldRetry === 'false' && status >= 500) {
      return new KsError('KS_ERR_TRANSIENT', `${head} (Stripe-Should-Retry: false)`, { retryable: false });
    }
    if (shouldRetry === 'true' && status < 500) return new TransientError(`${head} (Stripe-Should-Retry: true)`);
    if (status >= 400 && status < 500 && error?.type === 'invalid_request_error') return new QueryError(head);
    return undefined;
  };
}

function describe(error: StripeApiError, secrets: readonly string[]): string {
  const label = [error.type, error.code].filter(Boolean).join('/');
  const param = error.param ? ` (param ${error.param})` : '';
  return excerpt(`${label}${error.message ? `: ${error.message}` : ''}${param}`, secrets, 300);
}
