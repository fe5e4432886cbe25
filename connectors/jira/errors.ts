import { AuthError, ConfigError, PermissionError, RateLimitedError, type HttpResponse, type KsError } from '../../src/sdk/index.ts';
import { parseRetryAfter } from '../../src/sdk/index.ts';
import { resetInstant } from './rate-limit.ts';

/**
 * Jira-specific readings of error responses, for `HttpRequest.mapError`. Anything
 * not recognised here falls back to the SDK's status mapping, which already turns a
 * 400 `{ errorMessages: [...], errors: {} }` into a QueryError with Jira's words
 * (e.g. "Error in the JQL Query: ...") and scrubs credentials from the excerpt.
 *
 * `what` is "POST /rest/api/3/search/jql": method and path, never the query string.
 */
export function jiraErrorMapper(what: string, deployment: 'cloud' | 'datacenter') {
  return (response: HttpResponse<unknown>): KsError | undefined => {
    const { status, headers } = response;
    const seraph = headers['x-seraph-loginreason'] ?? '';
    if ((status === 401 || status === 403) && /AUTHENTICATION_DENIED/i.test(seraph)) {
      // Data Center: too many failed logins; every request is refused until a browser login solves the CAPTCHA.
      return new AuthError(`${what} → ${status}: Jira requires a CAPTCHA login for this account (X-Seraph-LoginReason: AUTHENTICATION_DENIED)`);
    }
    if (status === 401 && /scope does not match/i.test(bodyText(response.data))) {
      // https://developer.atlassian.com/cloud/jira/platform/scopes-for-oauth-2-3LO-and-forge-apps/
      return new PermissionError(`${what} → 401: the OAuth 2.0 token lacks a scope this request needs (read:jira-work, read:jira-user)`);
    }
    if (status === 410) {
      // https://developer.atlassian.com/changelog/#CHANGE-2046: /rest/api/{2,3}/search is gone on Cloud.
      const hint = deployment === 'datacenter' ? 'this looks like Jira Cloud: set deployment: cloud' : 'report this: the connector uses a removed endpoint';
      return new ConfigError(`${what} → 410 Gone: Atlassian removed this endpoint; ${hint}`);
    }
    if (status === 404 && !hasJiraErrorBody(response.data)) {
      const hint =
        deployment === 'cloud'
          ? 'no Jira Cloud REST API v3 at this baseUrl: check baseUrl, or set deployment: datacenter for Jira Data Center/Server'
          : 'no Jira REST API v2 at this baseUrl: check baseUrl (include the context path, e.g. https://host/jira)';
      return new ConfigError(`${what} → 404 Not Found: ${hint}`);
    }
    if (status === 429) return rateLimited(what, response);
    return undefined;
  };
}

/** A 429 that names the limit Jira says was hit (RateLimit-Reason), waiting as long as Jira asks. */
function rateLimited(what: string, response: HttpResponse<unknown>): KsError | undefined {
  const reason = response.headers['ratelimit-reason'];
  if (!reason) return undefined;
  const now = Date.now();
  const reset = resetInstant(response.headers, now);
  const waitMs = parseRetryAfter(response.headers['retry-after'], now) ?? (reset === undefined ? undefined : Math.max(0, reset - now));
  if (waitMs === undefined) return undefined;
  const shown = reason.replace(/[^\w.,-]/g, '').slice(0, 60);
  return new RateLimitedError(`${what} → 429 Too Many Requests (${shown}); retry after ${Math.ceil(waitMs / 1000)} s`, waitMs);
}

/** A 404 with Jira's own error body means "no such issue/field", not "no API here". */
function hasJiraErrorBody(data: unknown): boolean {
  return data !== null && typeof data === 'object' && ('errorMessages' in data || 'errors' in data);
}

function bodyText(data: unknown): string {
  if (typeof data === 'string') return data;
  try {
    return JSON.stringify(data) ?? '';
  } catch {
    return '';
  }
}
