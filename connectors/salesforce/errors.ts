/**
 * Salesforce's error bodies → the sdk's typed errors. REST API errors are
 * `[{ message, errorCode }]` (https://developer.salesforce.com/docs/platform/api-rest/guide/errorcodes.html);
 * the token endpoint answers `{ error, error_description }`
 * (https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_flow_errors.htm).
 * Messages keep Salesforce's own words, scrubbed of every credential we hold.
 */
import { AuthError, BudgetDeferredError, ConfigError, PermissionError, QueryError, type HttpResponse, type KsError } from '../../src/sdk/index.ts';
import { describeStatus } from '../../src/sdk/index.ts';
import { excerpt } from '../../src/sdk/index.ts';

/** INVALID_SESSION_ID: the access token expired or was revoked; a new one may fix it. */
export class SessionExpiredError extends AuthError {}

/**
 * REQUEST_LIMIT_EXCEEDED: the org's rolling 24-hour allowance is spent. Deferred, not
 * failed; sleeping would hold a worker for hours, so the connection pauses instead.
 */
export class RequestLimitExceededError extends BudgetDeferredError {}

/** API_DISABLED_FOR_ORG / API_CURRENTLY_DISABLED: the REST API is closed to this user or org altogether. */
export class ApiDisabledError extends PermissionError {}

const API_CLOSED = new Set(['API_DISABLED_FOR_ORG', 'API_CURRENTLY_DISABLED']);

export interface SalesforceErrorItem {
  errorCode: string;
  message: string;
}

/** The first `{ errorCode, message }` of a REST error body, if it is one. */
export function restErrorOf(data: unknown): SalesforceErrorItem | undefined {
  const item: unknown = Array.isArray(data) ? data[0] : data;
  if (item === null || typeof item !== 'object') return undefined;
  const { errorCode, message } = item as { errorCode?: unknown; message?: unknown };
  if (typeof errorCode !== 'string') return undefined;
  return { errorCode, message: typeof message === 'string' ? message : '' };
}

/**
 * Salesforce's words, with every credential we hold replaced. Not the sdk's pattern
 * scrubber: it reads MALFORMED_QUERY's "unexpected token: 'total'" as a credential and
 * would hide the one word that says what is wrong. REST errors quote the SOQL, never a token.
 */
function said(item: SalesforceErrorItem, secrets: readonly string[]): string {
  let text = item.message ? `${item.errorCode}: ${item.message}` : item.errorCode;
  for (const secret of secrets) text = text.split(secret).join('[redacted]');
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * `mapError` for REST calls; `apiVersion` is given for calls under /services/data/vXX.X. Returns undefined for what the sdk's status mapping
 * already gets right (MALFORMED_QUERY and friends → QueryError, 403 → PermissionError,
 * 5xx → TransientError).
 */
export function restErrorMapper(target: string, apiVersion: string | undefined, secrets: () => readonly string[]) {
  return (response: HttpResponse<unknown>): KsError | undefined => {
    const item = restErrorOf(response.data);
    const head = `${target} → ${describeStatus(response.status)}`;
    if (response.status === 401 && item?.errorCode === 'INVALID_SESSION_ID') {
      return new SessionExpiredError(`${head}: ${said(item, secrets())}`, { cause: { target, status: 401 } });
    }
    if (item?.errorCode === 'REQUEST_LIMIT_EXCEEDED') {
      return new RequestLimitExceededError(`${head}: ${said(item, secrets())}; the org's API allowance is spent, so this connection pauses until the next run`);
    }
    if (response.status === 403 && item && API_CLOSED.has(item.errorCode)) {
      return new ApiDisabledError(`${head}: ${said(item, secrets())}; give the user the "API Enabled" permission (the org's edition must include API access)`, {
        cause: { target, status: 403 },
      });
    }
    if (response.status === 400 && item) {
      return new QueryError(`${head}: ${said(item, secrets())}`, { cause: { target, status: 400 } });
    }
    // Under /services/data/vXX.X every resource we call exists, so 404 means the version does not (410: retired).
    if (apiVersion !== undefined && (response.status === 410 || (response.status === 404 && item?.errorCode === 'NOT_FOUND'))) {
      return versionError(head, apiVersion, item ? said(item, secrets()) : undefined);
    }
    return undefined;
  };
}

function versionError(head: string, apiVersion: string, words: string | undefined): ConfigError {
  return new ConfigError(
    `${head}${words ? `: ${words}` : ''}; API version ${apiVersion} is not served here: set apiVersion to one the org offers (\`kpi-sync check\` lists them)`,
  );
}

const FLOW_HINTS: Record<string, string> = {
  refreshToken: 'the refresh token is expired, revoked or already rotated: authorise the app again and update auth.refreshToken',
  jwt: 'check that the user has approved the app (or it is admin pre-authorised), the certificate matches auth.privateKey, and auth.username / auth.audience',
  clientCredentials: 'check the app enables the client credentials flow with a "run as" user, and loginUrl is the My Domain URL',
  password: 'check the username, password and security token, and that the org still allows the username-password flow',
};

/**
 * `mapError` for the token endpoint. Every 4xx is an auth or config problem, never worth
 * a retry: `invalid_grant` in particular means the grant itself is bad. 429 and 5xx are
 * left to the sdk (retried).
 */
export function tokenErrorMapper(target: string, flow: string, secrets: readonly string[]) {
  return (response: HttpResponse<unknown>): KsError | undefined => {
    const { status, data } = response;
    if (status < 400 || status >= 500 || status === 429) return undefined;
    const body = (data !== null && typeof data === 'object' ? data : {}) as { error?: unknown; error_description?: unknown };
    const error = typeof body.error === 'string' ? body.error : undefined;
    const description = typeof body.error_description === 'string' ? body.error_description : typeof data === 'string' ? data : '';
    const words = excerpt([error, description].filter(Boolean).join(': ') || 'no details', secrets, 300);
    const head = `${target} → ${describeStatus(status)}: ${words}`;
    const cause = { target, status, error };
    if (error === 'unsupported_grant_type' || error === 'invalid_request' || error === 'unsupported_response_type') {
      return new ConfigError(`${head}; the token request was refused as malformed for the ${flow} flow: check loginUrl and auth`, { cause });
    }
    if (status === 403 && error !== 'invalid_grant') return new PermissionError(head, { cause });
    return new AuthError(`${head}; ${FLOW_HINTS[flow] ?? 'check the auth settings'}`, { cause });
  };
}
