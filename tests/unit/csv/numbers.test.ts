import { describe, expect, it } from 'vitest';
import { isBlank, numberFormat, parseNumber } from '../../../connectors/csv/numbers.ts';

function read(text: string, decimal = '.', thousands = ''): number {
  const bytes = Buffer.from(`#${text}#`, 'utf8');
  // Offsets inside a larger buffer, as the scanner hands them over.
  return parseNumber(bytes, 1, bytes.length - 1, numberFormat(decimal, thousands));
}

describe('parseNumber', () => {
  it('reads plain decimals, signs and surrounding spaces', () => {
    expect(read('0')).toBe(0);
    expect(read('42')).toBe(42);
    expect(read('-3.25')).toBe(-3.25);
    expect(read('+7')).toBe(7);
    expect(read('  12.5 ')).toBe(12.5);
    expect(read('.5')).toBe(0.5);
    expect(read('5.')).toBe(5);
    expect(read('007.10')).toBe(7.1);
  });

  it('rejects what is not a number', () => {
    for (const text of ['', ' ', 'abc', '1.2.3', '1-2', '--1', '-', '.', '12a', '0x10', '1,5', 'NaN', 'Infinity', '1 000']) {
      expect(read(text), text).toBeNaN();
    }
  });

  it('reads exponents', () => {
    expect(read('1e3')).toBe(1000);
    expect(read('-2.5E-2')).toBe(-0.025);
    expect(read('e3')).toBeNaN();
    expect(read('1e')).toBeNaN();
  });

  it('reads a decimal comma with thousands dots, spaces, no-break spaces and apostrophes', () => {
    expect(read('1.234.567,89', ',', '.')).toBe(1234567.89);
    expect(read('-1.000', ',', '.')).toBe(-1000);
    expect(read('12,5', ',', '')).toBe(12.5);
    expect(read('1 234,5', ',', ' ')).toBe(1234.5);
    expect(read('1\u00a0234,5', ',', ' ')).toBe(1234.5);
    expect(read('1\u202f234\u202f567', ',', ' ')).toBe(1234567);
    expect(read("1'234.50", '.', "'")).toBe(1234.5);
    expect(read('1,234,567.5', '.', ',')).toBe(1234567.5);
  });

  it('only accepts thousands separators between groups of three digits', () => {
    expect(read('1.5', ',', '.')).toBeNaN();
    expect(read('1.23', ',', '.')).toBeNaN();
    expect(read('1234.567', ',', '.')).toBeNaN();
    expect(read('.123', ',', '.')).toBeNaN();
    expect(read('1.234,5.6', ',', '.')).toBeNaN();
    expect(read('1,234', '.', ',')).toBe(1234);
  });

  it('equals Number() bit for bit, including long mantissas', () => {
    let seed = 1;
    const random = (): number => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    for (let k = 0; k < 20_000; k++) {
      const digits = 1 + Math.floor(random() * 12);
      const text = (random() * 10 ** digits).toFixed(Math.floor(random() * 8));
      expect(read(text)).toBe(Number(text));
    }
    for (const text of ['12345678901234567890', '0.1234567890123456789', '9007199254740993', '123456789012345678.25']) {
      expect(read(text), text).toBe(Number(text));
    }
  });
});

describe('isBlank', () => {
  it('is true for empty and space-only fields', () => {
    expect(isBlank(Buffer.from(''), 0, 0)).toBe(true);
    expect(isBlank(Buffer.from(' \t '), 0, 3)).toBe(true);
    expect(isBlank(Buffer.from(' 0 '), 0, 3)).toBe(false);
  });
});
