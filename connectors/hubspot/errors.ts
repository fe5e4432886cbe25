import { AuthError, PermissionError, QueryError, RateLimitedError, excerpt, parseRetryAfter, type HttpResponse, type KsError } from '../../src/sdk/index.ts';
import { wholeNumber } from './rate-limit.ts';

/**
 * How long to wait after a 429 per `policyName`, when there is no Retry-After: the
 * secondly and ten-secondly limits refill within their window; the daily one at midnight
 * in the account's time zone, which the connector does not know, so it looks again in an
 * hour (https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details#rate-limits).
 */
export const POLICY_WAIT_MS: Record<string, number> = {
  SECONDLY: 1_000,
  TEN_SECONDLY_ROLLING: 10_000,
  DAILY: 3_600_000,
};
const DEFAULT_WAIT_MS = 1_000;

interface HubspotErrorBody {
  message?: string;
  category?: string;
  policyName?: string;
  details: string[];
  scopes: string[];
}

/**
 * HubSpot's error body (https://developers.hubspot.com/docs/api-reference/error-handling):
 * `{ status: "error", message, correlationId, category, errors?: [{ message, in?, code?,
 * context? }], context?, links? }`, with `policyName` on a 429. Every field is optional.
 */
export function readHubspotError(data: unknown): HubspotErrorBody {
  const body = data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  const errors = Array.isArray(body.errors) ? body.errors.filter((e): e is Record<string, unknown> => e !== null && typeof e === 'object') : [];
  const details = errors.map((e) => [e.in, e.message].filter((x) => typeof x === 'string').join(': ')).filter((x) => x !== '');
  const scopes = errors.flatMap((e) => {
    const context = e.context !== null && typeof e.context === 'object' ? (e.context as Record<string, unknown>) : {};
    return [context.requiredGranularScopes, context.requiredScopes].flatMap((s) =>
      Array.isArray(s) ? s.filter((x): x is string => typeof x === 'string') : [],
    );
  });
  return {
    ...(typeof body.message === 'string' ? { message: body.message } : typeof data === 'string' ? { message: data } : {}),
    ...(typeof body.category === 'string' ? { category: body.category } : {}),
    ...(typeof body.policyName === 'string' ? { policyName: body.policyName } : {}),
    details,
    scopes,
  };
}

/**
 * HubSpot errors as typed errors, for `HttpRequest.mapError`: 401 → AuthError; 403
 * (`MISSING_SCOPES`) → PermissionError naming the scopes; 429 → RateLimitedError waiting
 * Retry-After, else as long as the `policyName` limit takes to refill; 400
 * (`VALIDATION_ERROR`: an unknown property, a bad operator, paging past 10,000) →
 * QueryError with HubSpot's words.
 */
export function hubspotErrorMapper(where: string, secrets: readonly string[], now: () => number = Date.now) {
  return (response: HttpResponse<unknown>): KsError | undefined => {
    const { status, headers } = response;
    const error = readHubspotError(response.data);
    const words = [error.category, [error.message, ...error.details].filter(Boolean).join('; ')].filter(Boolean).join(': ');
    const said = excerpt(words, secrets, 300);
    const head = `${where} → ${status}${said ? `: ${said}` : ''}`;
    if (status === 401) return new AuthError(`${head}; check the private app's access token (rotated, or the app deleted?)`);
    if (status === 403) {
      const scopes = error.scopes.length > 0 ? error.scopes.join(', ') : 'crm.objects.deals.read (and the scope of the object type searched)';
      return new PermissionError(`${head}; give the private app the scope ${scopes}`);
    }
    if (status === 429) {
      const policy = error.policyName ?? '';
      const interval = wholeNumber(headers['x-hubspot-ratelimit-interval-milliseconds']);
      const waitMs = parseRetryAfter(headers['retry-after'], now()) ?? POLICY_WAIT_MS[policy] ?? interval ?? DEFAULT_WAIT_MS;
      const which = policy ? ` (${policy.replace(/[^\w]/g, '').slice(0, 40)})` : '';
      return new RateLimitedError(`${where} → 429${which}${said ? `: ${said}` : ''}; retry after ${Math.ceil(waitMs / 1000)} s`, waitMs);
    }
    if (status === 400 || status === 404 || status === 422) return new QueryError(head);
    return undefined;
  };
}
