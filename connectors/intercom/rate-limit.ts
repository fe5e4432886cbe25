import type { RateLimitReader } from '../../src/sdk/index.ts';

/**
 * Intercom's budget from its response headers, so the HTTP client waits for the reset
 * before the limit is hit. `X-RateLimit-Remaining` is what is left in the current window,
 * `X-RateLimit-Reset` the Unix time (seconds) it refills. Intercom enforces its
 * per-minute limit in 10-second windows ("1000 per minute, which is 167 per 10-second
 * window"), so the reset is never more than ~10 s away and waiting in-process is cheap.
 * The headers are absent on unauthenticated responses; then there is nothing to read.
 * https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting
 */
export const readIntercomRateLimit: RateLimitReader = (headers) => {
  const remaining = wholeNumber(headers['x-ratelimit-remaining']);
  const resetSeconds = wholeNumber(headers['x-ratelimit-reset']);
  if (remaining === undefined || resetSeconds === undefined) return undefined;
  return { remaining, resetAt: resetSeconds * 1000 };
};

/** The limit and what is left of it, for the run's API-usage figures. */
export function readIntercomUsage(headers: Record<string, string>): { used: number; limit: number } | undefined {
  const limit = wholeNumber(headers['x-ratelimit-limit']);
  const remaining = wholeNumber(headers['x-ratelimit-remaining']);
  if (limit === undefined || remaining === undefined || limit === 0) return undefined;
  return { used: Math.max(0, limit - remaining), limit };
}

function wholeNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
  return Number(text);
}
