import { describeStatus, redirectTarget, sourceMessage } from '../../sdk/http-errors.ts';
import { excerpt, scrub } from '../../sdk/http-redact.ts';
import { parseRetryAfter } from '../../sdk/retry.ts';
import type { DeliveryResult } from './destination.ts';

/**
 * The one place an HTTP outcome becomes a DeliveryResult, shared by every
 * destination so they cannot drift apart. The policy follows the Standard Webhooks
 * guidance (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#delivery-success-and-failure)
 * and PagerDuty's retry table: 2xx delivered; 408, 429 and 5xx retried, honouring
 * Retry-After; 3xx failed (a redirect is not followed: the operator should point the
 * destination at the final URL); other 4xx failed; 410 failed and the destination
 * disabled, because the receiver said it no longer wants these messages.
 */

/** What a destination knows about the request it made, for wording and scrubbing. */
export interface RequestContext {
  /** Host only: a path or query can be the credential (a Slack webhook URL is). */
  target: string;
  /** Values that must never be shown back, longest first. */
  secrets: readonly string[];
  nowMs: number;
}

export interface ResponseFacts {
  status: number;
  /** The raw `Retry-After` header. */
  retryAfter?: string | undefined;
  /** The raw `Location` header of a redirect. */
  location?: string | undefined;
  /** The body as text, possibly cut short; '' when unread or empty. */
  body: string;
}

/** Why no response came back. */
export type FailureFacts = { kind: 'timeout'; timeoutMs: number } | { kind: 'network'; code: string };

/** `response` and `error` are at most this long, so an outbox row stays small. */
export const RESPONSE_CHARS = 500;
/** Room left for the receiver's words after `POST host → 404 Not Found: `. */
const BODY_CHARS = 360;

export function classifyResponse(res: ResponseFacts, req: RequestContext): DeliveryResult {
  const { status } = res;
  if (status >= 200 && status < 300) return { outcome: 'delivered', status };
  const head = `POST ${req.target} → ${describeStatus(status)}`;
  if (status >= 300 && status < 400) {
    const where = res.location ? ` to ${scrub(redirectTarget(res.location), req.secrets)}` : '';
    return { outcome: 'failed', status, response: capResponse(`${head}: redirect${where} not followed; point the destination at the final URL`) };
  }
  const said = receiverWords(res.body, req.secrets);
  const text = capResponse(said ? `${head}: ${said}` : head);
  if (status === 408 || status === 429 || (status >= 500 && status < 600)) {
    const retryAfterMs = parseRetryAfter(res.retryAfter, req.nowMs);
    return { outcome: 'retry', status, error: text, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (status === 410) return { outcome: 'failed', status, response: text, disable: true };
  return { outcome: 'failed', status, response: text };
}

/**
 * No response at all: worth another attempt, whatever the cause. Refused and reset
 * connections and timeouts clear up by themselves; DNS and TLS failures usually get
 * fixed by someone within the dispatcher's retry schedule, and if not, the entry is
 * dead-lettered with this message rather than lost on the first try.
 */
export function classifyFailure(failure: FailureFacts, req: RequestContext): DeliveryResult {
  const what = failure.kind === 'timeout' ? `timed out after ${failure.timeoutMs} ms` : `${NETWORK_TEXT[failure.code] ?? 'network error'} (${failure.code})`;
  return { outcome: 'retry', error: capResponse(`POST ${req.target} → ${what}`) };
}

const NETWORK_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the receiver',
  UND_ERR_CLOSED: 'connection closed by the receiver',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  ENOTFOUND: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed TLS certificate in chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
};

/** The receiver's own message (JSON `message`/`errors`, or the text), scrubbed and on one line. */
function receiverWords(body: string, secrets: readonly string[]): string {
  if (body.trim() === '') return '';
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    data = undefined;
  }
  return excerpt(sourceMessage(data, body), secrets, BODY_CHARS);
}

/** Values worth scrubbing, longest first so a secret containing another is replaced whole. */
export function secretList(values: Iterable<string | undefined>): string[] {
  const kept = [...values].filter((v): v is string => typeof v === 'string' && v.trim().length >= 4).map((v) => v.trim());
  return [...new Set(kept)].sort((a, b) => b.length - a.length);
}

/** `text` cut to RESPONSE_CHARS, with an ellipsis when cut. */
export function capResponse(text: string): string {
  return text.length > RESPONSE_CHARS ? `${text.slice(0, RESPONSE_CHARS - 1)}…` : text;
}
