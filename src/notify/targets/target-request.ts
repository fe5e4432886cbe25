import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { readCapped } from '../../sdk/http-stream.ts';
import { abortReason } from '../../sdk/retry.ts';
import { capResponse, classifyFailure, classifyResponse, type FailureFacts, type RequestContext } from '../destinations/classify.ts';
import type { DeliveryResult } from '../destinations/destination.ts';
import { refusedByAddress } from '../destinations/address-check.ts';
import { errorCode, postJson, USER_AGENT } from '../destinations/post-json.ts';

/**
 * One request to a push target, classified with the alert destinations' rules
 * (classify.ts): 2xx delivered; 408, 429, 5xx and network failures retried; other
 * statuses failed; redirects reported, never followed. POSTs go through the
 * destinations' postJson; PUT, PATCH and the read-backs (GET, whose 2xx body we need)
 * take the same path here, because postJson only POSTs and discards a 2xx body.
 */
export interface TargetRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Host only, for messages: a path or query can be the credential. */
  target: string;
  /** Scrubbed from every message. */
  secrets: readonly string[];
  now: () => number;
  /** Let the request reach a link-local / cloud-metadata address (refused by default). */
  allowLinkLocal?: boolean | undefined;
}

/** A read-back's parsed 2xx body, or the result the attempt should end with instead. */
export type ReadResult = { ok: true; status: number; data: unknown } | { ok: false; result: DeliveryResult };

/** Enough for any single record a platform returns; a cut body would not parse and is retried. */
const READ_BYTES = 4 * 1024 * 1024;
/** Bytes of a non-2xx body kept for the failure text. */
const ERROR_BYTES = 16 * 1024;

type Exchange =
  | { kind: 'response'; status: number; retryAfter?: string; location?: string; body: string }
  | { kind: 'failure'; failure: FailureFacts }
  | { kind: 'refused'; result: DeliveryResult };

export async function sendWrite(req: TargetRequest): Promise<DeliveryResult> {
  if (req.method === 'POST') {
    return postJson({ url: req.url, headers: req.headers, body: req.body ?? '', timeoutMs: req.timeoutMs, signal: req.signal, target: req.target, secrets: req.secrets, now: req.now, allowLinkLocal: req.allowLinkLocal });
  }
  return classify(await exchange(req), req);
}

export async function readJson(req: TargetRequest): Promise<ReadResult> {
  const outcome = await exchange(req);
  if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) {
    try {
      return { ok: true, status: outcome.status, data: JSON.parse(outcome.body) as unknown };
    } catch {
      return { ok: false, result: { outcome: 'retry', status: outcome.status, error: `${req.method} ${req.target} → ${outcome.status}, but the body is not JSON` } };
    }
  }
  return { ok: false, result: classify(outcome, req) };
}

function classify(outcome: Exchange, req: TargetRequest): DeliveryResult {
  if (outcome.kind === 'refused') return outcome.result;
  const context: RequestContext = { target: req.target, secrets: req.secrets, nowMs: req.now() };
  const result = outcome.kind === 'failure' ? classifyFailure(outcome.failure, context) : classifyResponse(outcome, context);
  return withMethod(result, req.method);
}

/** classify.ts words every message as a POST; say what was actually sent. */
function withMethod(result: DeliveryResult, method: string): DeliveryResult {
  if (method === 'POST') return result;
  const relabel = (text: string) => (text.startsWith('POST ') ? capResponse(`${method} ${text.slice('POST '.length)}`) : text);
  if (result.outcome === 'retry') return { ...result, error: relabel(result.error) };
  if (result.outcome === 'failed') return { ...result, response: relabel(result.response) };
  return result;
}

/** A failed read-back's result, saying that nothing was sent. */
export function notResent(result: DeliveryResult): DeliveryResult {
  const why = 'read-back before re-sending failed, so nothing was re-sent';
  if (result.outcome === 'retry') return { ...result, error: capResponse(`${why}: ${result.error}`) };
  if (result.outcome === 'failed') return { ...result, response: capResponse(`${why}: ${result.response}`) };
  return result;
}

async function exchange(req: TargetRequest): Promise<Exchange> {
  if (req.signal.aborted) throw abortReason(req.signal);
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = AbortSignal.any([req.signal, timeout]);
  const refused = await refusedByAddress({ url: req.url, method: req.method, target: req.target, signal, allowLinkLocal: req.allowLinkLocal });
  if (refused) return { kind: 'refused', result: refused };
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: req.method,
      headers: { 'user-agent': USER_AGENT, accept: 'application/json', ...req.headers },
      ...(req.body === undefined ? {} : { body: req.body }),
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    if (req.signal.aborted) throw abortReason(req.signal);
    if (timeout.aborted) return { kind: 'failure', failure: { kind: 'timeout', timeoutMs: req.timeoutMs } };
    return { kind: 'failure', failure: { kind: 'network', code: errorCode(err) ?? 'unknown' } };
  }
  const success = res.status >= 200 && res.status < 300;
  const facts = { status: res.status, retryAfter: res.headers.get('retry-after') ?? undefined, location: res.headers.get('location') ?? undefined };
  if (success && req.method !== 'GET') {
    // The status is the receipt; a slow or endless body must not hold the attempt open.
    await res.body?.cancel().catch(() => undefined);
    return { kind: 'response', ...facts, body: '' };
  }
  try {
    const body = res.body ? await readCapped(Readable.fromWeb(res.body as NodeReadableStream<Uint8Array>), success ? READ_BYTES : ERROR_BYTES) : '';
    return { kind: 'response', ...facts, body };
  } catch {
    if (req.signal.aborted) throw abortReason(req.signal);
    // A read-back needs its body; an error status alone decides its outcome.
    if (success) return { kind: 'failure', failure: timeout.aborted ? { kind: 'timeout', timeoutMs: req.timeoutMs } : { kind: 'network', code: 'ECONNRESET' } };
    return { kind: 'response', ...facts, body: '' };
  }
}
