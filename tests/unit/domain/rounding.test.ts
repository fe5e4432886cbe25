import { describe, expect, it } from 'vitest';
import { roundHalfAwayFromZero } from '../../../src/domain/rounding.ts';

describe('roundHalfAwayFromZero', () => {
  it('rounds the decimal people wrote, not its binary neighbour', () => {
    expect(roundHalfAwayFromZero(1.005, 2)).toBe(1.01);
    expect(roundHalfAwayFromZero(2.675, 2)).toBe(2.68);
    expect(roundHalfAwayFromZero(1.255, 2)).toBe(1.26);
    expect(roundHalfAwayFromZero(8.345, 2)).toBe(8.35);
    expect(roundHalfAwayFromZero(0.125, 2)).toBe(0.13);
    expect(roundHalfAwayFromZero(1234.5678, 2)).toBe(1234.57);
  });

  it('rounds halves away from zero on both sides', () => {
    expect(roundHalfAwayFromZero(2.5, 0)).toBe(3);
    expect(roundHalfAwayFromZero(-2.5, 0)).toBe(-3);
    expect(roundHalfAwayFromZero(-1.005, 2)).toBe(-1.01);
    expect(roundHalfAwayFromZero(0.5, 0)).toBe(1);
    expect(roundHalfAwayFromZero(-0.5, 0)).toBe(-1);
  });

  it('leaves values that are not ties alone except for the rounding itself', () => {
    expect(roundHalfAwayFromZero(1.004999, 2)).toBe(1);
    expect(roundHalfAwayFromZero(2.4999, 0)).toBe(2);
    expect(roundHalfAwayFromZero(0.1 + 0.2, 2)).toBe(0.3);
    expect(roundHalfAwayFromZero(7, 3)).toBe(7);
  });

  it('copes with exponent notation, huge values, -0 and non-finite values', () => {
    expect(roundHalfAwayFromZero(5e-7, 6)).toBe(0.000001);
    expect(roundHalfAwayFromZero(4e-7, 6)).toBe(0);
    expect(roundHalfAwayFromZero(1e21, 2)).toBe(1e21);
    expect(roundHalfAwayFromZero(123456789012.345, 2)).toBe(123456789012.35);
    expect(Object.is(roundHalfAwayFromZero(-0.001, 2), 0)).toBe(true);
    expect(Object.is(roundHalfAwayFromZero(-0, 2), 0)).toBe(true);
    expect(roundHalfAwayFromZero(Number.POSITIVE_INFINITY, 2)).toBe(Number.POSITIVE_INFINITY);
    expect(roundHalfAwayFromZero(Number.NaN, 2)).toBeNaN();
  });

  it('matches the text method on many random two-decimal ties', () => {
    for (let i = 0; i < 2000; i++) {
      const cents = Math.floor(i * 7919.37) % 1_000_000;
      const value = Number(`${cents}.${String(i % 100).padStart(2, '0')}5`);
      const expected = Number(`${Math.round(Number(`${value}e2`))}e-2`);
      expect(roundHalfAwayFromZero(value, 2), String(value)).toBe(expected);
    }
  });

  it('refuses places that are not a whole number from 0 to 15', () => {
    expect(() => roundHalfAwayFromZero(1, -1)).toThrow(RangeError);
    expect(() => roundHalfAwayFromZero(1, 1.5)).toThrow(RangeError);
    expect(() => roundHalfAwayFromZero(1, 16)).toThrow(RangeError);
  });
});
