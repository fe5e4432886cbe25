import { STATUS_CODES } from 'node:http';
import { AuthError, BadResponseError, type KsError, PermissionError, QueryError, RateLimitedError, TransientError } from './errors.ts';
import { excerpt } from './http-redact.ts';
import { isRecord } from './values.ts';

/**
 * Turns an HTTP outcome into one typed error, once, at the SDK. Messages read
 * `GET api.example.com/path → 401 Unauthorized: <source's words>`: method, host and
 * path (never the query string), status, and at most 300 scrubbed characters of body.
 * The `cause` is a plain summary, never the axios error (it holds the request headers).
 */

/** What an error may say about the request it comes from. */
export interface RequestSummary {
  method: string;
  /** `host/path`, or the request's label. No query string, no userinfo. */
  target: string;
  /** Values that must be scrubbed from any body excerpt. */
  secrets: readonly string[];
}

/** The plain object attached as `cause`: safe to log, inspect and serialise. */
export interface HttpErrorCause {
  method: string;
  target: string;
  status?: number;
  code?: string;
  attempts?: number;
}

export const BODY_EXCERPT_CHARS = 300;

/** Statuses another attempt can fix (RFC 9110 §15; 429 per RFC 6585). */
export const RETRYABLE_STATUS: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

export function describeStatus(status: number): string {
  const text = STATUS_CODES[status];
  return text ? `${status} ${text}` : String(status);
}

function attemptsNote(attempts: number): string {
  return attempts > 1 ? ` (after ${attempts} attempts)` : '';
}

/**
 * The typed error for a non-2xx response. `retryAfterMs` is used for 429 (the time
 * the source asked for, or the backoff we would have waited).
 */
export function errorForStatus(
  req: RequestSummary,
  status: number,
  data: unknown,
  text: string,
  attempts: number,
  retryAfterMs: number,
  location?: string,
): KsError {
  const cause: HttpErrorCause = { method: req.method, target: req.target, status, attempts };
  const head = `${req.method} ${req.target} → ${describeStatus(status)}`;
  const said = sourceMessage(data, text);
  const detail = said ? `: ${excerpt(said, req.secrets, BODY_EXCERPT_CHARS)}` : '';
  const message = `${head}${detail}${attemptsNote(attempts)}`;
  if (status >= 300 && status < 400) {
    const where = location ? ` to ${redirectTarget(location)}` : '';
    return new BadResponseError(`${head}: redirect${where} not followed; point the connection at the final URL`, { cause });
  }
  if (status === 401) return new AuthError(message, { cause });
  if (status === 403) return new PermissionError(message, { cause });
  if (status === 429) {
    return new RateLimitedError(`${message}; retry after ${Math.ceil(retryAfterMs / 1000)} s`, retryAfterMs, { cause });
  }
  if (status === 408 || status >= 500) return new TransientError(message, { cause });
  if (status >= 400) return new QueryError(message, { cause });
  return new BadResponseError(`${head}: unexpected status${detail}`, { cause });
}

/** Where a redirect points, as host/path only (a Location can carry a signed query string). */
export function redirectTarget(location: string): string {
  try {
    const url = new URL(location, 'http://relative.invalid');
    return url.host === 'relative.invalid' ? url.pathname : `${url.host}${url.pathname}`;
  } catch {
    return '(unreadable location)';
  }
}

/** A long Retry-After, surfaced so the scheduler retries later instead of blocking a worker. */
export function rateLimitedError(req: RequestSummary, status: number | undefined, retryAfterMs: number): RateLimitedError {
  const what = status === undefined ? 'rate-limit budget spent' : describeStatus(status);
  return new RateLimitedError(`${req.method} ${req.target} → ${what}; retry after ${Math.ceil(retryAfterMs / 1000)} s`, retryAfterMs, {
    cause: { method: req.method, target: req.target, status } satisfies HttpErrorCause,
  });
}

export function timeoutError(req: RequestSummary, timeoutMs: number, attempts: number): TransientError {
  return new TransientError(`${req.method} ${req.target} → timed out after ${timeoutMs} ms${attemptsNote(attempts)}`, {
    cause: { method: req.method, target: req.target, code: 'ETIMEDOUT', attempts } satisfies HttpErrorCause,
  });
}

const NETWORK_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  ENOTFOUND: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
};

/** A system error code (ECONNREFUSED, ENOTFOUND, a TLS failure) rather than a Node or axios internal one. */
export function isNetworkCode(code: string): boolean {
  return code in NETWORK_TEXT || (/^E[A-Z_]+$/.test(code) && !code.startsWith('ERR_'));
}

/** Network failures are described from the error code alone: system messages can quote hosts and paths we did not vet. */
export function networkError(req: RequestSummary, code: string, attempts: number): TransientError {
  const text = NETWORK_TEXT[code] ?? 'network error';
  return new TransientError(`${req.method} ${req.target} → ${text} (${code})${attemptsNote(attempts)}`, {
    code: 'KS_ERR_NETWORK',
    cause: { method: req.method, target: req.target, code, attempts } satisfies HttpErrorCause,
  });
}

/** The body was not what the request expected (e.g. HTML where JSON was asked for). */
export function badBodyError(req: RequestSummary, status: number, contentType: string | undefined, text: string): BadResponseError {
  const shown = excerpt(text, req.secrets, 200);
  return new BadResponseError(
    `${req.method} ${req.target} → ${describeStatus(status)} but the body is not JSON (content-type ${contentType ?? 'none'}): ${shown || '(empty)'}`,
    { cause: { method: req.method, target: req.target, status } satisfies HttpErrorCause },
  );
}

/**
 * The source's own error message from the JSON shapes vendors use, or the raw body.
 * Shapes: `{message}`, `{error:{message}}`, `{error, error_description}` (OAuth),
 * `{errors:[{message}]}`, `{errorMessages:[], errors:{field:msg}}` (Jira),
 * `[{message, errorCode}]` (Salesforce), `{title, detail}` (RFC 9457).
 */
export function sourceMessage(data: unknown, text: string): string {
  return fromJson(data) ?? text.trim();
}

function fromJson(data: unknown): string | undefined {
  if (Array.isArray(data)) return joined(data.map(fromItem));
  if (!isRecord(data)) return undefined;
  const parts: Array<string | undefined> = [];
  if (typeof data.error_description === 'string') {
    parts.push(typeof data.error === 'string' ? `${data.error}: ${data.error_description}` : data.error_description);
  } else if (typeof data.error === 'string') {
    parts.push(typeof data.message === 'string' ? `${data.error}: ${data.message}` : data.error);
  } else if (isRecord(data.error)) {
    parts.push(fromItem(data.error));
  } else if (typeof data.message === 'string') {
    parts.push(data.message);
  }
  if (Array.isArray(data.errorMessages)) parts.push(joined(data.errorMessages.map((m) => (typeof m === 'string' ? m : undefined))));
  if (Array.isArray(data.errors)) parts.push(joined(data.errors.map(fromItem)));
  else if (isRecord(data.errors)) {
    parts.push(joined(Object.entries(data.errors).map(([field, msg]) => (typeof msg === 'string' ? `${field}: ${msg}` : undefined))));
  }
  if (joined(parts) === undefined && (typeof data.detail === 'string' || typeof data.title === 'string')) {
    parts.push(
      joined(
        [data.title, data.detail].map((m) => (typeof m === 'string' ? m : undefined)),
        ': ',
      ),
    );
  }
  return joined(parts);
}

function fromItem(item: unknown): string | undefined {
  if (typeof item === 'string') return item;
  if (!isRecord(item)) return undefined;
  const message = typeof item.message === 'string' ? item.message : undefined;
  const code = [item.errorCode, item.code, item.type].find((c) => typeof c === 'string' || typeof c === 'number');
  if (message === undefined) return code === undefined ? undefined : String(code);
  return code === undefined ? message : `${String(code)}: ${message}`;
}

function joined(parts: Array<string | undefined>, separator = '; '): string | undefined {
  const present = parts.filter((p): p is string => p !== undefined && p.trim() !== '');
  return present.length > 0 ? present.join(separator) : undefined;
}
