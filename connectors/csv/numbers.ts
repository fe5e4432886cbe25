/**
 * Numbers read straight from the bytes of a field, with the file's decimal and
 * thousands separators, without creating a string. Up to 15-16 significant digits the
 * mantissa is an exact integer and one division by an exact power of ten rounds
 * correctly, so the result equals `Number(text)` bit for bit; longer or exponent
 * forms fall back to `Number` on a normalised copy.
 */

export interface NumberFormat {
  /** Decimal separator byte ('.' or ','). */
  decimal: number;
  /** Thousands separator byte, or -1 for none. */
  thousands: number;
}

const SPACE = 32;
const TAB = 9;
const MINUS = 45;
const PLUS = 43;
const NBSP_LEAD = 0xc2;
const NBSP_TAIL = 0xa0;
const MAX_EXACT = 2 ** 53;
const POW10: number[] = Array.from({ length: 23 }, (_, k) => 10 ** k);

export function numberFormat(decimal: string, thousands: string): NumberFormat {
  return { decimal: decimal.charCodeAt(0), thousands: thousands === '' ? -1 : thousands.charCodeAt(0) };
}

/** True when the field holds nothing but spaces. */
export function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c !== SPACE && c !== TAB) return false;
  }
  return true;
}

/**
 * The number in bytes[start, end), or NaN when it is not one. Accepts surrounding
 * spaces, a sign, thousands separators between groups of three integer digits (a space
 * separator also matches a no-break space, as French and Nordic exports write it), one
 * decimal separator and an exponent.
 */
export function parseNumber(bytes: Uint8Array, start: number, end: number, format: NumberFormat): number {
  // Fast path for the usual shape, [-]digits[.digits]: straight loops, no separator logic.
  let i = start;
  const negative = bytes[i] === MINUS;
  if (negative) i++;
  const first = i;
  let mantissa = 0;
  let d = 0;
  while (i < end && (d = bytes[i]! - 48) >>> 0 <= 9) {
    mantissa = mantissa * 10 + d;
    i++;
  }
  const integerDigits = i - first;
  let fractionDigits = 0;
  if (i < end && bytes[i] === format.decimal) {
    const point = ++i;
    while (i < end && (d = bytes[i]! - 48) >>> 0 <= 9) {
      mantissa = mantissa * 10 + d;
      i++;
    }
    fractionDigits = i - point;
  }
  if (i === end && integerDigits + fractionDigits > 0 && mantissa < MAX_EXACT && fractionDigits <= 22) {
    const value = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits]!;
    return negative ? -value : value;
  }
  return parseGeneral(bytes, start, end, format);
}

/** Everything else: spaces, a plus sign, thousands separators, exponents, and the errors. */
function parseGeneral(bytes: Uint8Array, start: number, end: number, format: NumberFormat): number {
  while (start < end && (bytes[start] === SPACE || bytes[start] === TAB)) start++;
  while (end > start && (bytes[end - 1] === SPACE || bytes[end - 1] === TAB)) end--;
  if (start === end) return Number.NaN;
  let i = start;
  let negative = false;
  const first = bytes[i];
  if (first === MINUS || first === PLUS) {
    negative = first === MINUS;
    i++;
  }
  const { decimal, thousands } = format;
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = 0;
  let inFraction = false;
  let grouped = false;
  let groupDigits = 0;
  for (; i < end; i++) {
    const c = bytes[i]!;
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
      if (inFraction) fractionDigits++;
      else groupDigits++;
    } else if (c === decimal && !inFraction) {
      if (grouped && groupDigits !== 3) return Number.NaN;
      inFraction = true;
    } else if (!inFraction && thousands !== -1 && (c === thousands || (thousands === SPACE && isNbsp(bytes, i, end)))) {
      if (groupDigits === 0 || groupDigits > 3 || (grouped && groupDigits !== 3)) return Number.NaN;
      grouped = true;
      groupDigits = 0;
      if (c !== thousands) i += c === NBSP_LEAD ? 1 : 2;
    } else if ((c === 101 || c === 69) && digits > 0) {
      return slowParse(bytes, start, end, format);
    } else {
      return Number.NaN;
    }
  }
  if (digits === 0) return Number.NaN;
  if (grouped && !inFraction && groupDigits !== 3) return Number.NaN;
  if (mantissa >= MAX_EXACT || fractionDigits > 22) return slowParse(bytes, start, end, format);
  const value = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits]!;
  return negative ? -value : value;
}

/** U+00A0 (C2 A0) or U+202F narrow no-break space (E2 80 AF) at bytes[i]. */
function isNbsp(bytes: Uint8Array, i: number, end: number): boolean {
  if (bytes[i] === NBSP_LEAD) return i + 1 < end && bytes[i + 1] === NBSP_TAIL;
  return bytes[i] === 0xe2 && i + 2 < end && bytes[i + 1] === 0x80 && bytes[i + 2] === 0xaf;
}

/** Long mantissas and exponents: drop separators, use '.', let Number round. */
function slowParse(bytes: Uint8Array, start: number, end: number, format: NumberFormat): number {
  let text = '';
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c === format.thousands) continue;
    if (format.thousands === SPACE && isNbsp(bytes, i, end)) {
      i += c === NBSP_LEAD ? 1 : 2;
      continue;
    }
    text += c === format.decimal ? '.' : String.fromCharCode(c);
  }
  // Number('') is 0 and Number('0x10') is 16: only plain decimal text is a number here.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number.NaN;
  return Number(text);
}
