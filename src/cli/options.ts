import { UsageError } from '../sdk/errors.ts';

/** A commander argument parser for a whole number from `min` to `max`; anything else is a usage error naming the flag. */
export function wholeNumber(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(n) || n < min || n > max) {
      throw new UsageError(`${flag} must be a whole number from ${min} to ${max}; got "${value}"`);
    }
    return n;
  };
}
