import { parseNumber, type NumberFormat } from './numbers.ts';
import type { CsvFilter } from './schema.ts';

/**
 * Row filters compiled to byte tests, so a row that does not match costs no string.
 * Strings compare exactly (case and accents count) after trimming surrounding
 * spaces; numbers compare as numbers, read with the file's separators, so
 * `equals: 5` matches "5", "5.0" and "5,00" with decimal ','.
 */
export type FieldTest = (bytes: Buffer, start: number, end: number) => boolean;

/** Above this many strings an `in` list decodes the field once and uses a Set. */
const BYTE_COMPARE_LIMIT = 8;

/** Bytes that fit a number exactly: six of them, plus the length, stay below 2^53. */
const SHORT = 6;

/** A short field as one number (length and bytes), so matching is a number comparison. */
function shortKey(bytes: Uint8Array, start: number, end: number): number {
  let key = end - start;
  for (let i = start; i < end; i++) key = key * 256 + bytes[i]!;
  return key;
}

function oneOf(values: ReadonlyArray<string | number>, format: NumberFormat): FieldTest {
  const strings = values.filter((v): v is string => typeof v === 'string').map((s) => s.trim());
  const numbers = new Set(values.filter((v): v is number => typeof v === 'number'));
  const matchNumber = numbers.size > 0;
  const encoded = strings.map((s) => Buffer.from(s, 'utf8'));
  const shortKeys = encoded.filter((b) => b.length <= SHORT).map((b) => shortKey(b, 0, b.length));
  const shortSet = new Set(shortKeys);
  const useShortSet = shortKeys.length > BYTE_COMPARE_LIMIT;
  const long = encoded.filter((b) => b.length > SHORT);
  const longSet = new Set(long.map((b) => b.toString('utf8')));
  const useLongSet = long.length > BYTE_COMPARE_LIMIT;
  return (bytes, start, end) => {
    while (start < end && bytes[start] === 32) start++;
    while (end > start && bytes[end - 1] === 32) end--;
    const length = end - start;
    if (length <= SHORT) {
      const key = shortKey(bytes, start, end);
      if (useShortSet) {
        if (shortSet.has(key)) return true;
      } else {
        for (let k = 0; k < shortKeys.length; k++) if (shortKeys[k] === key) return true;
      }
    } else if (useLongSet) {
      if (longSet.has(bytes.toString('utf8', start, end))) return true;
    } else {
      for (let k = 0; k < long.length; k++) {
        const wanted = long[k]!;
        if (wanted.length !== length) continue;
        let j = 0;
        while (j < length && bytes[start + j] === wanted[j]) j++;
        if (j === length) return true;
      }
    }
    return matchNumber && numbers.has(parseNumber(bytes, start, end, format));
  };
}

/** One filter entry: every condition it names must hold. */
export function compileFilter(filter: CsvFilter, format: NumberFormat): FieldTest {
  const tests: FieldTest[] = [];
  if (filter.equals !== undefined) tests.push(oneOf([filter.equals], format));
  if (filter.in !== undefined) tests.push(oneOf(filter.in, format));
  if (filter.notEquals !== undefined) {
    const equal = oneOf([filter.notEquals], format);
    tests.push((bytes, start, end) => !equal(bytes, start, end));
  }
  if (filter.min !== undefined || filter.max !== undefined) {
    const min = filter.min ?? Number.NEGATIVE_INFINITY;
    const max = filter.max ?? Number.POSITIVE_INFINITY;
    // A cell that is not a number is outside any range.
    tests.push((bytes, start, end) => {
      const value = parseNumber(bytes, start, end, format);
      return value >= min && value <= max;
    });
  }
  if (tests.length === 1) return tests[0]!;
  return (bytes, start, end) => {
    for (const test of tests) if (!test(bytes, start, end)) return false;
    return true;
  };
}
