import type { RateLimitReader } from '../../src/sdk/index.ts';

/**
 * HubSpot's budget from its response headers
 * (https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details#rate-limits):
 * `X-HubSpot-RateLimit-Remaining` requests are left in the rolling window of
 * `X-HubSpot-RateLimit-Interval-Milliseconds` (10 s), and
 * `X-HubSpot-RateLimit-Secondly-Remaining` in the current second. A rolling window has
 * no reset instant, so the wait is the whole interval from now: the most that can be
 * needed. Whichever budget is lower is used. The CRM search endpoints do not send these
 * headers (they have their own per-second limit); then there is nothing to read and a
 * 429 is waited out instead.
 */
export const readHubspotRateLimit: RateLimitReader = (headers, now) => {
  const budgets: Array<{ remaining: number; resetAt: number }> = [];
  const remaining = wholeNumber(headers['x-hubspot-ratelimit-remaining']);
  const interval = wholeNumber(headers['x-hubspot-ratelimit-interval-milliseconds']);
  if (remaining !== undefined && interval !== undefined && interval > 0) budgets.push({ remaining, resetAt: now + interval });
  const secondly = wholeNumber(headers['x-hubspot-ratelimit-secondly-remaining']);
  if (secondly !== undefined) budgets.push({ remaining: secondly, resetAt: now + 1_000 });
  return budgets.sort((a, b) => a.remaining - b.remaining)[0];
};

/** The daily budget used and its size, for the run's API-usage figures (private apps only; OAuth apps have no daily limit). */
export function readHubspotUsage(headers: Record<string, string>): { used: number; limit: number } | undefined {
  const limit = wholeNumber(headers['x-hubspot-ratelimit-daily']);
  const remaining = wholeNumber(headers['x-hubspot-ratelimit-daily-remaining']);
  if (limit === undefined || remaining === undefined || limit === 0) return undefined;
  return { used: Math.max(0, limit - remaining), limit };
}

export function wholeNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
  return Number(text);
}
