import type { RateLimitReader } from '../../src/sdk/index.ts';

/**
 * Reads Jira's rate-limit headers so the HTTP client slows down before a 429.
 *
 * Cloud (https://developer.atlassian.com/cloud/jira/platform/rate-limiting/):
 * `X-RateLimit-Remaining` and `X-RateLimit-Limit` on every response, and
 * `X-RateLimit-Reset`, an ISO 8601 instant ("2026-05-01T12:30Z") when the budget
 * refills; `Retry-After` (seconds) on 429 and some 503s; `RateLimit-Reason` names
 * the limit that was hit.
 * Data Center (https://confluence.atlassian.com/adminjiraserver/adjusting-your-code-for-rate-limiting-987143384.html):
 * a token bucket with `X-RateLimit-Remaining`, `X-RateLimit-Interval-Seconds`
 * (new tokens arrive every interval) and `Retry-After` (0 while tokens remain).
 *
 * Without `X-RateLimit-Remaining` there is nothing to budget against, so the reader
 * says nothing and the client relies on `Retry-After` alone.
 */
export const readJiraRateLimit: RateLimitReader = (headers, now) => {
  const remaining = wholeNumber(headers['x-ratelimit-remaining']);
  if (remaining === undefined) return undefined;
  const resetAt = resetInstant(headers, now);
  return resetAt === undefined ? undefined : { remaining, resetAt };
};

/** When the budget refills: the reset header, else Retry-After, else one Data Center refill interval. */
export function resetInstant(headers: Record<string, string>, now: number): number | undefined {
  const reset = headers['x-ratelimit-reset']?.trim();
  if (reset) {
    if (/^\d+$/.test(reset)) {
      const n = Number(reset);
      // Epoch seconds from proxies that rewrite the header; small numbers are seconds from now.
      return n > 1e9 ? n * 1000 : now + n * 1000;
    }
    const at = Date.parse(reset);
    if (!Number.isNaN(at)) return at;
  }
  const retryAfter = wholeNumber(headers['retry-after']);
  if (retryAfter !== undefined && retryAfter > 0) return now + retryAfter * 1000;
  const interval = wholeNumber(headers['x-ratelimit-interval-seconds']);
  if (interval !== undefined && interval > 0) return now + interval * 1000;
  return undefined;
}

function wholeNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Math.floor(Number(value));
}
