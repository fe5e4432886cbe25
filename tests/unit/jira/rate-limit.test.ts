import { describe, expect, it } from 'vitest';
import { readJiraRateLimit } from '../../../connectors/jira/rate-limit.ts';

const NOW = Date.parse('2026-11-02T09:00:00Z');

describe('readJiraRateLimit', () => {
  it('reads Cloud headers: remaining plus an ISO 8601 reset in minutes ("yyyy-MM-ddTHH:mmZ")', () => {
    const read = readJiraRateLimit({ 'x-ratelimit-limit': '350', 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '2026-11-02T09:01Z' }, NOW);
    expect(read).toEqual({ remaining: 3, resetAt: Date.parse('2026-11-02T09:01:00Z') });
  });

  it('falls back to Retry-After seconds, then to the Data Center refill interval', () => {
    expect(readJiraRateLimit({ 'x-ratelimit-remaining': '0', 'retry-after': '7' }, NOW)).toEqual({ remaining: 0, resetAt: NOW + 7000 });
    // Data Center: Retry-After is 0 while tokens remain; new tokens arrive every interval.
    expect(
      readJiraRateLimit({ 'x-ratelimit-remaining': '12', 'retry-after': '0', 'x-ratelimit-interval-seconds': '1', 'x-ratelimit-fillrate': '10' }, NOW),
    ).toEqual({ remaining: 12, resetAt: NOW + 1000 });
  });

  it('accepts epoch seconds in the reset header', () => {
    expect(readJiraRateLimit({ 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': String(NOW / 1000 + 30) }, NOW)).toEqual({
      remaining: 1,
      resetAt: NOW + 30_000,
    });
  });

  it('says nothing without a remaining count or without any reset time', () => {
    expect(readJiraRateLimit({ 'retry-after': '5', 'x-ratelimit-reset': '2026-11-02T09:01Z' }, NOW)).toBeUndefined();
    expect(readJiraRateLimit({ 'x-ratelimit-remaining': '5' }, NOW)).toBeUndefined();
    expect(readJiraRateLimit({ 'x-ratelimit-remaining': 'lots', 'retry-after': '5' }, NOW)).toBeUndefined();
  });
});
