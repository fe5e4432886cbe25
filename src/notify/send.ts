import { Readable } from 'node:stream';
import { KsError } from '../sdk/errors.ts';
import { createHttpClient, type CreateHttpClientOptions } from '../sdk/http.ts';
import type { HttpClient, HttpResponse } from '../sdk/http.types.ts';
import { abortReason } from '../sdk/retry.ts';
import { capResponse, classifyFailure, classifyResponse, type RequestContext } from './destinations/classify.ts';
import type { DeliveryResult } from './destinations/destination.ts';

/**
 * The one outbound path of alert destinations and KR push targets: the SDK's HTTP
 * client (timeouts on the whole exchange, redirects refused, link-local addresses
 * refused, credentials kept out of errors) with ONE attempt per call, because the
 * dispatcher owns retries and persists them. The status is classified by classify.ts.
 */

/** Sent on every delivery, so receivers can tell kpi-sync's requests apart in their logs. */
export const USER_AGENT = 'kpi-sync';

/** A client for one destination or target: one attempt per request, no client-side retry. */
export function deliveryClient(options: CreateHttpClientOptions = {}): HttpClient {
  return createHttpClient({ attempts: 1, userAgent: USER_AGENT, ...options });
}

export interface SendRequest {
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
  /** Epoch ms, to read an HTTP-date Retry-After against. */
  now: () => number;
}

/** A read-back's parsed 2xx body, or the result the attempt should end with instead. */
export type ReadResult = { ok: true; status: number; data: unknown } | { ok: false; result: DeliveryResult };

type Exchange = { kind: 'response'; response: HttpResponse<string> } | { kind: 'result'; result: DeliveryResult };

/**
 * A write's 2xx is its receipt: the body is a stream that is dropped unread, so a slow
 * or endless body cannot hold the attempt open. Any other status's body arrives as
 * text, capped by the client. A read-back wants its 2xx body as text.
 */
async function exchange(http: HttpClient, req: SendRequest, responseType: 'stream' | 'text'): Promise<Exchange> {
  if (req.signal.aborted) throw abortReason(req.signal);
  try {
    const response = await http.request<string | Readable>({
      method: req.method,
      url: req.url,
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
      timeoutMs: req.timeoutMs,
      signal: req.signal,
      responseType,
      throwOnStatus: false,
      attempts: 1,
      label: `${req.method} ${req.target}`,
    });
    if (response.data instanceof Readable) {
      response.data.destroy();
      return { kind: 'response', response: { ...response, data: '' } };
    }
    return { kind: 'response', response: response as HttpResponse<string> };
  } catch (error) {
    if (req.signal.aborted) throw abortReason(req.signal);
    return { kind: 'result', result: withMethod(failureResult(error, req), req.method) };
  }
}

/** One write (POST, PUT, PATCH), classified. */
export async function send(http: HttpClient, req: SendRequest): Promise<DeliveryResult> {
  const outcome = await exchange(http, req, 'stream');
  if (outcome.kind === 'result') return outcome.result;
  return classify(outcome.response, req);
}

/** One read-back (GET) whose 2xx body must be JSON. */
export async function readJson(http: HttpClient, req: SendRequest): Promise<ReadResult> {
  const outcome = await exchange(http, { ...req, headers: { accept: 'application/json', ...req.headers } }, 'text');
  if (outcome.kind === 'result') return { ok: false, result: outcome.result };
  const { status, data } = outcome.response;
  if (status >= 200 && status < 300) {
    try {
      return { ok: true, status, data: JSON.parse(data) as unknown };
    } catch {
      return { ok: false, result: { outcome: 'retry', status, error: `${req.method} ${req.target} → ${status}, but the body is not JSON` } };
    }
  }
  return { ok: false, result: classify(outcome.response, req) };
}

/** A failed read-back's result, saying that nothing was sent. */
export function notResent(result: DeliveryResult): DeliveryResult {
  const why = 'read-back before re-sending failed, so nothing was re-sent';
  if (result.outcome === 'retry') return { ...result, error: capResponse(`${why}: ${result.error}`) };
  if (result.outcome === 'failed') return { ...result, response: capResponse(`${why}: ${result.response}`) };
  return result;
}

function classify(response: HttpResponse<string>, req: SendRequest): DeliveryResult {
  const context: RequestContext = { target: req.target, secrets: req.secrets, nowMs: req.now() };
  const result = classifyResponse(
    {
      status: response.status,
      retryAfter: response.headers['retry-after'],
      location: response.headers.location,
      body: response.status >= 300 ? response.data : '',
    },
    context,
  );
  return withMethod(result, req.method);
}

/**
 * No response came back: a timeout or a network failure is worth another attempt;
 * anything else the client refused before sending (a link-local address, a bad URL)
 * will be refused again, so the entry fails with the client's own (scrubbed) words.
 */
function failureResult(error: unknown, req: SendRequest): DeliveryResult {
  const context: RequestContext = { target: req.target, secrets: req.secrets, nowMs: req.now() };
  const code = error instanceof KsError ? (error.cause as { code?: unknown } | undefined)?.code : undefined;
  if (error instanceof KsError && code === 'ETIMEDOUT' && error.code === 'KS_ERR_TRANSIENT')
    return classifyFailure({ kind: 'timeout', timeoutMs: req.timeoutMs }, context);
  if (error instanceof KsError && error.code === 'KS_ERR_NETWORK')
    return classifyFailure({ kind: 'network', code: typeof code === 'string' ? code : 'unknown' }, context);
  if (error instanceof KsError && error.retryable) return { outcome: 'retry', error: capResponse(error.message) };
  const message = error instanceof Error ? error.message : String(error);
  return { outcome: 'failed', status: 0, response: capResponse(`POST ${req.target} → not sent: ${message}`) };
}

/** classify.ts words every message as a POST; say what was actually sent. */
function withMethod(result: DeliveryResult, method: string): DeliveryResult {
  if (method === 'POST') return result;
  const relabel = (text: string) => (text.startsWith('POST ') ? capResponse(`${method} ${text.slice('POST '.length)}`) : text);
  if (result.outcome === 'retry') return { ...result, error: relabel(result.error) };
  if (result.outcome === 'failed') return { ...result, response: relabel(result.response) };
  return result;
}
