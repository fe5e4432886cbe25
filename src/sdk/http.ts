import { Readable } from 'node:stream';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { addressRefusal, guardAddresses, type AddressGuardHooks } from './address-guard.ts';
import { KsError, RateLimitedError } from './errors.ts';
import { RETRYABLE_STATUS, badBodyError, describeStatus, errorForStatus, isNetworkCode, networkError, rateLimitedError, timeoutError } from './http-errors.ts';
import { flattenHeaders, parseJson, prepareRequest, type PreparedRequest } from './http-request.ts';
import { guardStream, readCapped } from './http-stream.ts';
import type { HttpClient, HttpClientOptions, HttpRequest, HttpResponse } from './http.types.ts';
import { abortReason, backoffDelay, parseRetryAfter, sleep } from './retry.ts';

/**
 * Seams for tests (and nothing else): a fixed random makes backoff predictable, a
 * fake clock and sleep make Retry-After waits observable without waiting.
 */
export interface HttpClientHooks {
  /** Uniform in [0, 1) for backoff jitter. Default Math.random. */
  random?: () => number;
  /** Epoch ms. Default Date.now. */
  now?: () => number;
  /** Default: a real timer that the client's signal cuts short. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type CreateHttpClientOptions = HttpClientOptions & HttpClientHooks & AddressGuardHooks;

const DEFAULTS = {
  timeoutMs: 30_000,
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  rateLimitReserve: 1,
  userAgent: 'kpi-sync',
};

/** System error codes another attempt can fix. Timeouts are handled apart. */
const RETRYABLE_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED']);
/** Bytes of an error body kept for the message and `mapError`. */
const ERROR_BODY_BYTES = 64 * 1024;

type Outcome =
  | { ok: true; response: HttpResponse<unknown>; status: number }
  | { ok: false; status?: number; reason: string; retryable: boolean; waitHintMs?: number; error: (attempts: number) => KsError };

/**
 * The HTTP helper every connector gets through `ctx.http`. Each attempt has a
 * timeout (axios `timeout` for the socket plus a wall-clock abort, so a stalled body
 * ends too); redirects are not followed; only 408/429/500/502/503/504, timeouts and
 * connection resets are retried, with full-jitter exponential backoff, honouring
 * `Retry-After` and the vendor's rate-limit headers; every failure becomes one typed
 * KsError whose message, stack and cause hold no header, query string or credential.
 *
 * `json` bodies are parsed here: an empty body gives `undefined`, a non-JSON body a
 * BadResponseError. `stream` bodies are guarded by an idle timeout of `timeoutMs` and
 * by the client's signal. Aborting the signal rejects with the signal's reason.
 */
export function createHttpClient(options: CreateHttpClientOptions = {}): HttpClient {
  const cfg = { ...DEFAULTS, ...definedOnly(options) };
  const now = options.now ?? Date.now;
  const pause = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  const clientSignal = options.signal;
  // axios is loaded on the first request: a process whose sources are all local files never pays for it.
  let instance: Promise<AxiosInstance> | undefined;
  const client = (): Promise<AxiosInstance> =>
    (instance ??= import('axios').then(({ default: axios }) => {
      const created = axios.create({
        adapter: 'http',
        maxRedirects: 0,
        validateStatus: () => true,
        transformRequest: [],
        transformResponse: [],
        transitional: { clarifyTimeoutError: true, silentJSONParsing: false, forcedJSONParsing: false },
      });
      guardAddresses(created, options);
      return created;
    }));
  /** The source's last word on its budget; `remaining` is counted down as we send. */
  let budget: { remaining: number; resetAt: number } | undefined;

  function notify(event: Parameters<NonNullable<HttpClientOptions['onAttempt']>>[0]): void {
    try {
      options.onAttempt?.(event);
    } catch {
      // A metrics callback must never fail the request it reports on.
    }
  }

  /** Waits for the reset when the source said we are at the reserve: honour the limit before it is hit. */
  async function respectBudget(req: PreparedRequest, signal: AbortSignal | undefined): Promise<number> {
    if (!budget) return 0;
    const wait = budget.resetAt - now();
    if (wait <= 0) {
      budget = undefined;
      return 0;
    }
    if (budget.remaining > cfg.rateLimitReserve) {
      budget.remaining -= 1;
      return 0;
    }
    if (wait > cfg.maxRetryAfterMs) throw rateLimitedError(req.summary, undefined, wait);
    await pause(wait, signal);
    budget = undefined;
    return wait;
  }

  function readBudget(headers: Record<string, string>): number | undefined {
    if (!options.rateLimit) return undefined;
    const read = options.rateLimit(headers, now());
    if (read) budget = { ...read };
    return read && read.resetAt > now() ? read.resetAt - now() : undefined;
  }

  async function attempt(req: PreparedRequest, signal: AbortSignal | undefined): Promise<Outcome> {
    const timer = new AbortController();
    let timedOut = false;
    const clock = setTimeout(() => {
      timedOut = true;
      timer.abort();
    }, req.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timer.signal]) : timer.signal;
    let res: AxiosResponse<unknown>;
    try {
      res = await (await client()).request({
        method: req.method,
        url: req.url,
        headers: req.headers,
        data: req.data,
        timeout: req.timeoutMs,
        signal: combined,
        responseType: req.responseType === 'stream' ? 'stream' : 'text',
        responseEncoding: 'utf8',
      });
    } catch (err) {
      clearTimeout(clock);
      if (signal?.aborted) throw abortReason(signal);
      return failure(req, err, timedOut);
    }
    const status = res.status;
    const headers = flattenHeaders(res.headers);
    let hintMs: number | undefined;
    try {
      hintMs = readBudget(headers);
    } catch (err) {
      clearTimeout(clock);
      destroyBody(res.data);
      throw err;
    }
    if (status >= 200 && status < 300 && req.responseType === 'stream') {
      clearTimeout(clock);
      const body = guardStream(res.data as Readable, req.timeoutMs, signal, req.summary);
      return { ok: true, status, response: { status, headers, data: body } };
    }
    let text: string;
    try {
      text = req.responseType === 'stream' ? await readCapped(res.data as Readable, ERROR_BODY_BYTES) : String(res.data ?? '');
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      return failure(req, err, timedOut);
    } finally {
      clearTimeout(clock);
    }
    if (status >= 200 && status < 300) {
      if (req.responseType === 'text') return { ok: true, status, response: { status, headers, data: text } };
      const parsed = parseJson(text);
      if (!parsed.ok) {
        const error = badBodyError(req.summary, status, headers['content-type'], text);
        return { ok: false, status, reason: 'body is not JSON', retryable: false, error: () => error };
      }
      return { ok: true, status, response: { status, headers, data: parsed.value } };
    }
    if (!req.throwOnStatus) return { ok: true, status, response: { status, headers, data: text.slice(0, ERROR_BODY_BYTES) } };
    const parsed = parseJson(text);
    const data = parsed.ok && parsed.value !== undefined ? parsed.value : text;
    const mapped = req.mapError?.({ status, headers, data });
    if (mapped) {
      const waitHintMs = (mapped as Partial<RateLimitedError>).retryAfterMs;
      return { ok: false, status, reason: describeStatus(status), retryable: mapped.retryable, waitHintMs, error: () => mapped };
    }
    if (status === 429 || status === 503) {
      hintMs = parseRetryAfter(headers['retry-after'], now()) ?? hintMs;
    } else {
      hintMs = undefined;
    }
    const retryable = RETRYABLE_STATUS.has(status);
    const location = headers.location;
    return {
      ok: false,
      status,
      reason: describeStatus(status),
      retryable,
      waitHintMs: hintMs,
      error: (attempts) => {
        const retryAfterMs = hintMs ?? backoffDelay(attempts, cfg.baseDelayMs, cfg.maxDelayMs, random);
        return errorForStatus(req.summary, status, data, text, attempts, retryAfterMs, location);
      },
    };
  }

  return {
    async request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>> {
      const req = prepareRequest(request, cfg.timeoutMs, cfg.userAgent);
      // The client's signal (its owner shutting down) and the request's own (the sync it belongs to).
      const signal = request.signal && clientSignal ? AbortSignal.any([clientSignal, request.signal]) : (request.signal ?? clientSignal);
      const attempts = Math.max(1, Math.floor(request.attempts ?? cfg.attempts));
      let waitedMs = 0;
      for (let n = 1; ; n += 1) {
        if (signal?.aborted) throw abortReason(signal);
        waitedMs += await respectBudget(req, signal);
        const started = now();
        let outcome: Outcome;
        try {
          outcome = await attempt(req, signal);
        } catch (err) {
          const error = signal?.aborted ? 'aborted' : 'failed';
          notify({ label: req.label, durationMs: now() - started, error, ...(waitedMs > 0 ? { waitedMs } : {}) });
          throw err;
        }
        notify({
          label: req.label,
          durationMs: now() - started,
          ...(outcome.status !== undefined ? { status: outcome.status } : {}),
          ...(outcome.ok ? {} : { error: outcome.reason }),
          ...(waitedMs > 0 ? { waitedMs } : {}),
        });
        if (outcome.ok) return outcome.response as HttpResponse<T>;
        if (!outcome.retryable || n >= attempts) throw outcome.error(n);
        const delay = outcome.waitHintMs ?? backoffDelay(n, cfg.baseDelayMs, cfg.maxDelayMs, random);
        if (delay > cfg.maxRetryAfterMs) {
          // Too long to hold a worker: hand the wait to the scheduler, keeping the source's words when it gave some.
          const error = outcome.error(n);
          throw error instanceof RateLimitedError ? error : rateLimitedError(req.summary, outcome.status, delay);
        }
        const sleptFrom = now();
        await pause(delay, signal);
        // The wait already covered the reset the budget asked for; do not wait for it twice.
        if (budget && budget.resetAt <= sleptFrom + delay) budget = undefined;
        waitedMs = delay;
      }
    },
  };
}

function failure(req: PreparedRequest, err: unknown, timedOut: boolean): Outcome {
  const refused = addressRefusal(err);
  if (refused) return { ok: false, reason: 'refused', retryable: false, error: () => refused };
  const code = errorCode(err);
  if (timedOut || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return { ok: false, reason: 'timeout', retryable: true, error: (n) => timeoutError(req.summary, req.timeoutMs, n) };
  }
  if (code !== undefined && isNetworkCode(code)) {
    return { ok: false, reason: code, retryable: RETRYABLE_NETWORK.has(code), error: (n) => networkError(req.summary, code, n) };
  }
  if (isAbortedBody(err)) {
    // The server closed the connection mid-body: a reset by another name.
    return { ok: false, reason: 'ECONNRESET', retryable: true, error: (n) => networkError(req.summary, 'ECONNRESET', n) };
  }
  const shown = code ?? 'unknown';
  return {
    ok: false,
    reason: shown,
    retryable: false,
    error: () =>
      new KsError('KS_ERR_INTERNAL', `${req.summary.method} ${req.summary.target} → request failed (${shown})`, {
        cause: { method: req.summary.method, target: req.summary.target, code: shown },
      }),
  };
}

/** A system error code from axios or Node, looking through AggregateError (happy eyeballs tries each address). */
function errorCode(err: unknown): string | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  if (Array.isArray(e.errors)) return errorCode(e.errors[0]);
  return e.cause === err ? undefined : errorCode(e.cause);
}

function isAbortedBody(err: unknown): boolean {
  return err instanceof Error && (err as { code?: unknown }).code === 'ERR_BAD_RESPONSE' && /aborted/i.test(err.message);
}

function destroyBody(data: unknown): void {
  if (data instanceof Readable) data.destroy();
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
