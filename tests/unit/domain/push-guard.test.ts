import { describe, expect, it } from 'vitest';
import { guardVerdict } from '../../../src/domain/push-guard.ts';

describe('push guard', () => {
  it('lets everything through without a rule or a previous value', () => {
    expect(guardVerdict(undefined, 10, 1000)).toEqual({ hold: false });
    expect(guardVerdict({ maxJumpPercent: 50, holdOnZero: true }, undefined, 0)).toEqual({ hold: false });
  });

  it('holds a jump beyond the limit in either direction, not one within it', () => {
    const guard = { maxJumpPercent: 50 };
    expect(guardVerdict(guard, 100, 150)).toEqual({ hold: false });
    expect(guardVerdict(guard, 100, 151)).toEqual({ hold: true, reason: 'the value moved +51% from 100 to 151 (limit ±50%)' });
    expect(guardVerdict(guard, 100, 40)).toMatchObject({ hold: true, reason: expect.stringContaining('-60%') });
    expect(guardVerdict(guard, -10, -16)).toMatchObject({ hold: true }); // relative to |previous|
  });

  it('holds a drop to zero only when asked, and only from a non-zero value', () => {
    expect(guardVerdict({ holdOnZero: true }, 42, 0)).toEqual({ hold: true, reason: 'the value dropped to 0 from 42' });
    expect(guardVerdict({ holdOnZero: true }, 0, 0)).toEqual({ hold: false });
    expect(guardVerdict({ maxJumpPercent: 500 }, 42, 0)).toEqual({ hold: false });
  });
});
