import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, sleep } from '../../../src/sdk/retry.ts';

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt and scales it by the random draw (full jitter)', () => {
    expect(backoffDelay(1, 500, 30_000, () => 0.999999)).toBe(499);
    expect(backoffDelay(2, 500, 30_000, () => 0.5)).toBe(500);
    expect(backoffDelay(3, 500, 30_000, () => 0.5)).toBe(1000);
    expect(backoffDelay(4, 500, 30_000, () => 0)).toBe(0);
  });

  it('never exceeds maxMs, even for huge attempt numbers', () => {
    expect(backoffDelay(10, 500, 30_000, () => 0.999999)).toBe(29_999);
    expect(backoffDelay(5_000, 500, 30_000, () => 0.999999)).toBe(29_999);
  });

  it('clamps a misbehaving random source into [0, 1]', () => {
    expect(backoffDelay(1, 100, 1_000, () => 7)).toBe(100);
    expect(backoffDelay(1, 100, 1_000, () => -3)).toBe(0);
  });

  it('uses Math.random by default and stays in range', () => {
    for (let i = 0; i < 50; i += 1) {
      const d = backoffDelay(3, 100, 1_000);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(400);
    }
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1_500);
  });

  it('reads an HTTP-date relative to now, and a past date as 0', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('gives undefined for absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1e3', now)).toBeUndefined();
  });
});

describe('sleep', () => {
  it('resolves after the delay', async () => {
    const started = Date.now();
    await sleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('rejects promptly with the signal reason when aborted mid-sleep', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('stop')), 20);
    await expect(sleep(60_000, controller.signal)).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('rejects at once for an already aborted signal, even for 0 ms', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(sleep(0, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('removes its abort listener once it resolves', async () => {
    const controller = new AbortController();
    await sleep(1, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
