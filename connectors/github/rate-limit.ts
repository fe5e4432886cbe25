import type { RateLimitReader } from '../../src/sdk/index.ts';

/**
 * GitHub's budget from its response headers, so the HTTP client waits for the reset
 * before the limit is hit: `x-ratelimit-remaining` is what is left of the budget named by
 * `x-ratelimit-resource` (`core`: 5,000 an hour for a token; `search`: 30 a minute), and
 * `x-ratelimit-reset` the Unix time (seconds) it refills
 * (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api). The
 * search budget's reset is at most a minute away, so waiting in-process is cheap; a core
 * reset an hour away is longer than the client waits and becomes a RateLimitedError for
 * the scheduler. GitHub Enterprise Server with rate limiting off sends no such headers.
 */
export const readGithubRateLimit: RateLimitReader = (headers) => {
  const remaining = wholeNumber(headers['x-ratelimit-remaining']);
  const resetSeconds = wholeNumber(headers['x-ratelimit-reset']);
  if (remaining === undefined || resetSeconds === undefined) return undefined;
  return { remaining, resetAt: resetSeconds * 1000 };
};

/** The budget used and its limit, for the run's API-usage figures. */
export function readGithubUsage(headers: Record<string, string>): { used: number; limit: number; resource: string } | undefined {
  const limit = wholeNumber(headers['x-ratelimit-limit']);
  const remaining = wholeNumber(headers['x-ratelimit-remaining']);
  if (limit === undefined || remaining === undefined || limit === 0) return undefined;
  const used = wholeNumber(headers['x-ratelimit-used']) ?? Math.max(0, limit - remaining);
  return { used, limit, resource: headers['x-ratelimit-resource'] ?? 'core' };
}

export function wholeNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
  return Number(text);
}
