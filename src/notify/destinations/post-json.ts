import { abortReason } from '../../sdk/retry.ts';
import { refusedByAddress } from './address-check.ts';
import { classifyFailure, classifyResponse, type RequestContext } from './classify.ts';
import type { DeliveryResult } from './destination.ts';

/**
 * One POST, classified. Node's global fetch rather than the SDK's axios client
 * because (1) the SDK client is built around its own retry loop and typed errors,
 * where a destination needs one attempt and a DeliveryResult (the dispatcher owns
 * retries), (2) `redirect: 'manual'` hands back the 3xx itself, so a redirect is
 * reported and never followed, and (3) one `AbortSignal.any([caller, timeout])`
 * bounds the whole exchange, body included, where axios's `timeout` only watches
 * the socket going idle.
 */
export interface PostRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Host only, for messages. */
  target: string;
  /** Scrubbed from every message. */
  secrets: readonly string[];
  /** Epoch ms, to read an HTTP-date Retry-After against. */
  now: () => number;
  /** Let the request reach a link-local / cloud-metadata address (refused by default). */
  allowLinkLocal?: boolean | undefined;
}

/** Sent on every delivery, so receivers can tell kpi-sync's requests apart in their logs. */
export const USER_AGENT = 'kpi-sync';

/** Bytes of a non-2xx body kept for the failure text; the rest is discarded unread. */
const BODY_BYTES = 16 * 1024;

export async function postJson(req: PostRequest): Promise<DeliveryResult> {
  const context = (): RequestContext => ({ target: req.target, secrets: req.secrets, nowMs: req.now() });
  if (req.signal.aborted) throw abortReason(req.signal);
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = AbortSignal.any([req.signal, timeout]);
  const refused = await refusedByAddress({ url: req.url, method: 'POST', target: req.target, signal, allowLinkLocal: req.allowLinkLocal });
  if (refused) return refused;
  let res: Response;
  try {
    res = await fetch(req.url, { method: 'POST', headers: { 'user-agent': USER_AGENT, ...req.headers }, body: req.body, redirect: 'manual', signal });
  } catch (err) {
    if (req.signal.aborted) throw abortReason(req.signal);
    if (timeout.aborted) return classifyFailure({ kind: 'timeout', timeoutMs: req.timeoutMs }, context());
    return classifyFailure({ kind: 'network', code: errorCode(err) ?? 'unknown' }, context());
  }
  if (res.status >= 200 && res.status < 300) {
    // The status is the receipt; a slow or endless body must not hold the attempt open.
    await res.body?.cancel().catch(() => undefined);
    return classifyResponse({ status: res.status, body: '' }, context());
  }
  let body = '';
  try {
    body = await readCapped(res, BODY_BYTES);
  } catch {
    if (req.signal.aborted) throw abortReason(req.signal);
    // The status alone decides the outcome; the words were a bonus.
  }
  return classifyResponse(
    {
      status: res.status,
      retryAfter: res.headers.get('retry-after') ?? undefined,
      location: res.headers.get('location') ?? undefined,
      body,
    },
    context(),
  );
}

async function readCapped(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let done = false;
  try {
    while (size < maxBytes) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        break;
      }
      chunks.push(next.value);
      size += next.value.byteLength;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBytes));
}

/** A system or undici error code, looking through `cause` and AggregateError (happy eyeballs tries each address). */
export function errorCode(err: unknown, depth = 0): string | undefined {
  if (err === null || typeof err !== 'object' || depth > 5) return undefined;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  if (Array.isArray(e.errors) && e.errors.length > 0) return errorCode(e.errors[0], depth + 1);
  return errorCode(e.cause, depth + 1);
}
