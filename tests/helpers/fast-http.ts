import { createHttpClient, type CreateHttpClientOptions } from '../../src/sdk/http.ts';
import type { HttpClient } from '../../src/sdk/index.ts';

/**
 * The real sdk client on `options` (a connector's own `http()` options, say) with
 * fast retries: the waits it asks for (Retry-After, rate-limit budget, backoff) are
 * recorded in `sleeps`, in ms, not slept. `extra` overrides even those.
 */
export function fastRetryHttp(sleeps: number[], options: CreateHttpClientOptions = {}, extra: CreateHttpClientOptions = {}): HttpClient {
  return createHttpClient({
    ...options,
    baseDelayMs: 1,
    maxDelayMs: 5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
}
