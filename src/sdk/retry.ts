/**
 * Small, pure building blocks of the HTTP retry policy: how long to back off, how
 * to read a `Retry-After` header, and a sleep that an AbortSignal can cut short.
 */

/**
 * Exponential backoff with full jitter: a uniformly random delay in
 * [0, min(maxMs, baseMs * 2^(attempt - 1))). `attempt` is 1 for the wait before the
 * first retry. Full jitter spreads out clients that failed together, which plain
 * exponential backoff does not (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // 2^exponent overflows to Infinity long before it matters; min() caps it.
  const ceiling = Math.min(maxMs, baseMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.max(0, Math.floor(ceiling * r));
}

/**
 * Milliseconds to wait according to a `Retry-After` header, which is either
 * delta-seconds or an HTTP-date (RFC 9110 §10.2.3). A date in the past gives 0.
 * Returns undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  // RFC 9110 only allows whole seconds; a few APIs send decimals, which are harmless to accept.
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  // A bare number with a sign or exponent is neither form: Date.parse would read it as a year.
  if (/^[-+\d.eE]+$/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** The reason an aborted signal carries, as something throwable. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Resolves after `ms`, or rejects with the signal's reason as soon as it aborts
 * (immediately if it already has). Leaves no timer or listener behind either way.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
