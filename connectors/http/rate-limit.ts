import type { RateLimitReader } from '../../src/sdk/index.ts';

/**
 * The common rate-limit header pairs, read so the SDK client waits for the reset before
 * a 429 instead of after it:
 * - `RateLimit-Remaining` / `RateLimit-Reset`, the IETF draft's fields, where the reset
 *   is delta-seconds (https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-ratelimit-headers-06);
 * - `X-RateLimit-Remaining` / `X-RateLimit-Reset`, the de-facto pair, whose reset is Unix
 *   seconds at GitHub (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api),
 *   delta-seconds elsewhere, Unix ms at a few; told apart by size.
 * Without a remaining count and a readable reset there is nothing to budget against,
 * and the client relies on Retry-After alone.
 */
export const readRateLimit: RateLimitReader = (headers, now) => {
  for (const prefix of ['ratelimit-', 'x-ratelimit-']) {
    const remaining = count(headers[`${prefix}remaining`]);
    const reset = headers[`${prefix}reset`];
    if (remaining === undefined || reset === undefined) continue;
    const resetAt = resetInstant(reset, now);
    if (resetAt !== undefined) return { remaining, resetAt };
  }
  return undefined;
};

/** Unix seconds past this are epoch seconds, not a delay (2001-09-09); past 1e12, epoch ms. */
const EPOCH_SECONDS = 1e9;
const EPOCH_MS = 1e12;

export function resetInstant(text: string, now: number): number | undefined {
  const value = text.trim();
  if (/^\d+(\.\d+)?$/.test(value)) {
    const n = Number(value);
    if (n >= EPOCH_MS) return n;
    if (n >= EPOCH_SECONDS) return n * 1000;
    return now + n * 1000;
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}

function count(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
  return Number(text);
}
