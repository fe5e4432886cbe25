import { DateCell, type DateParser } from './dates.ts';
import { parseNumber, type NumberFormat } from './numbers.ts';

/** Reads a number cell; the same signature as parseNumber with the format bound. */
export type NumberReader = (bytes: Uint8Array, start: number, end: number) => number;

/**
 * Parses shared by the KPIs of one scan: when twenty queries read the same date and
 * amount columns, each record's date and number are parsed once, not twenty times.
 * The scan sets `line` before handing a record out; a parser wrapped here answers
 * from its cache while the line is the same. One memo per scan, never shared across
 * scans (lines restart).
 */
export class ParseMemo {
  /** The record being handed out. */
  line = -1;
  readonly #dates = new Map<string, DateParser>();
  readonly #numbers = new Map<string, NumberReader>();

  /** The parser of `column` in `format`, parsing each record's cell once. */
  date(column: number, format: string, parse: DateParser): DateParser {
    const key = `${column}:${format}`;
    let memoized = this.#dates.get(key);
    if (!memoized) {
      let cachedLine = -1;
      let ok = false;
      const cached = new DateCell();
      memoized = (bytes, start, end, out) => {
        if (this.line !== cachedLine) {
          cachedLine = this.line;
          ok = parse(bytes, start, end, cached);
        }
        if (ok) {
          out.kind = cached.kind;
          out.dateKey = cached.dateKey;
          out.ms = cached.ms;
        }
        return ok;
      };
      this.#dates.set(key, memoized);
    }
    return memoized;
  }

  /** The number reader of `column` in `format` (decimal and thousands bytes), parsing each record's cell once. */
  number(column: number, format: NumberFormat): NumberReader {
    const key = `${column}:${format.decimal}:${format.thousands}`;
    let memoized = this.#numbers.get(key);
    if (!memoized) {
      let cachedLine = -1;
      let value = Number.NaN;
      memoized = (bytes, start, end) => {
        if (this.line !== cachedLine) {
          cachedLine = this.line;
          value = parseNumber(bytes, start, end, format);
        }
        return value;
      };
      this.#numbers.set(key, memoized);
    }
    return memoized;
  }
}
