import { AuthError, PermissionError, QueryError, RateLimitedError, excerpt, parseRetryAfter, type HttpResponse, type KsError } from '../../src/sdk/index.ts';
import { wholeNumber } from './rate-limit.ts';

/** GitHub asks to "wait for at least one minute" after a secondary rate limit without retry-after. */
export const SECONDARY_WAIT_MS = 60_000;

/**
 * GitHub's error bodies (`basic-error` { message, documentation_url, status },
 * `validation-error` { message, errors: [{ resource, field, code, message }] }) turned
 * into typed errors, for `HttpRequest.mapError`
 * (https://docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api):
 * - 403/429 with `retry-after`, with `x-ratelimit-remaining: 0`, or saying "secondary
 *   rate limit" → RateLimitedError with the wait GitHub asks for
 *   (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit);
 * - 401 → AuthError; other 403 → PermissionError (with the SAML SSO hint when
 *   `x-github-sso` says so);
 * - 422 (a search GitHub cannot run) → QueryError with GitHub's words;
 * - 404 → QueryError: no such repository, or the token cannot see it.
 */
export function githubErrorMapper(where: string, secrets: readonly string[], now: () => number = Date.now) {
  return (response: HttpResponse<unknown>): KsError | undefined => {
    const { status, headers } = response;
    const said = excerpt(githubMessage(response.data), secrets, 300);
    const head = `${where} → ${status}${said ? `: ${said}` : ''}`;
    if (status === 403 || status === 429) {
      const waitMs = rateLimitWait(headers, said, now());
      if (waitMs !== undefined) return new RateLimitedError(`${head}; retry after ${Math.ceil(waitMs / 1000)} s`, waitMs);
    }
    if (status === 401) return new AuthError(`${head}; check the connection's token (expired or revoked?)`);
    if (status === 403) {
      const sso = headers['x-github-sso'] ? "; authorize the token for the organisation's SAML single sign-on" : '';
      return new PermissionError(`${head}${sso || '; the token lacks a permission (repository access, metadata/issues/pull requests/deployments read)'}`);
    }
    if (status === 422) return new QueryError(head);
    if (status === 404) return new QueryError(`${head}; check the repo (owner/name) and that the token can see it`);
    return undefined;
  };
}

/** How long GitHub asks us to wait, or undefined when this 403/429 is not a rate limit. */
function rateLimitWait(headers: Record<string, string>, message: string, now: number): number | undefined {
  const retryAfter = parseRetryAfter(headers['retry-after'], now);
  if (retryAfter !== undefined) return retryAfter;
  if (headers['x-ratelimit-remaining'] === '0') {
    const reset = wholeNumber(headers['x-ratelimit-reset']);
    if (reset !== undefined) return Math.max(0, reset * 1000 - now);
  }
  return /rate limit/i.test(message) ? SECONDARY_WAIT_MS : undefined;
}

/** "Validation Failed: invalid q: The listed users …" from GitHub's error shapes. */
export function githubMessage(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data === null || typeof data !== 'object') return '';
  const { message, errors } = data as { message?: unknown; errors?: unknown };
  const details = Array.isArray(errors)
    ? errors
        .map((e) => {
          if (typeof e === 'string') return e;
          if (e === null || typeof e !== 'object') return undefined;
          const { code, field, message: text } = e as Record<string, unknown>;
          const label = [code, field].filter((x) => typeof x === 'string').join(' ');
          return typeof text === 'string' ? `${label ? `${label}: ` : ''}${text}` : label || undefined;
        })
        .filter((e): e is string => typeof e === 'string' && e !== '')
    : [];
  return [typeof message === 'string' ? message : undefined, ...details].filter(Boolean).join(': ');
}
