import { BadCells } from './bad-cells.ts';
import type { FieldTest } from './filters.ts';
import { isBlank, parseNumber, type NumberFormat } from './numbers.ts';

/** NumberColumn.flags of a row whose value is NaN: the cell was blank, or something else. */
export const BLANK = 1;
const NOT_A_NUMBER = 2;

/**
 * One column read as numbers with the connection's separators, for a batch: the value
 * queries aggregate and `min`/`max` filters compare (both read the cell the same way
 * in CsvEvaluator). A NaN row's flag says blank or bad; bad cells are kept for rejects.
 */
export class NumberColumn {
  readonly column: number;
  readonly values: Float64Array;
  /** Set only where `values` is NaN. */
  readonly flags: Uint8Array;
  /** NaN rows in this batch: while 0, queries need not look for them. */
  nans = 0;
  readonly bad: BadCells;
  readonly #format: NumberFormat;

  constructor(column: number, format: NumberFormat, separators: { decimal: string; thousands: string }, capacity: number) {
    this.column = column;
    this.#format = format;
    this.bad = new BadCells(separators);
    this.values = new Float64Array(capacity);
    this.flags = new Uint8Array(capacity);
  }

  add(bytes: Buffer, start: number, end: number, row: number): void {
    const value = parseNumber(bytes, start, end, this.#format);
    this.values[row] = value;
    if (!Number.isNaN(value)) return;
    this.nans++;
    if (isBlank(bytes, start, end)) {
      this.flags[row] = BLANK;
    } else {
      this.flags[row] = NOT_A_NUMBER;
      this.bad.record(row, bytes, start, end);
    }
  }

  clear(): void {
    this.nans = 0;
    this.bad.clear();
  }
}

/**
 * One value column of `count_rows` or `count_distinct`: whether each row's cell is
 * blank and, for count_distinct, its text. The text is decoded for every row that is
 * not blank, before any query's filter has looked at it (the bytes are gone by then).
 */
export class TextColumn {
  readonly column: number;
  readonly blank: Uint8Array;
  /** Blank rows in this batch. */
  blanks = 0;
  readonly texts: string[];
  readonly #decode: boolean;

  constructor(column: number, decode: boolean, capacity: number) {
    this.column = column;
    this.#decode = decode;
    this.blank = new Uint8Array(capacity);
    this.texts = decode ? new Array<string>(capacity).fill('') : [];
  }

  add(bytes: Buffer, start: number, end: number, row: number): void {
    const blank = isBlank(bytes, start, end);
    this.blank[row] = blank ? 1 : 0;
    if (blank) this.blanks++;
    if (this.#decode && !blank) this.texts[row] = bytes.toString('utf8', start, end).trim();
  }

  clear(): void {
    this.blanks = 0;
  }
}

/** A filter that is neither string matching nor a numeric range (`equals: 5`): its own test, run on every row. */
export class TestColumn {
  readonly column: number;
  readonly passes: Uint8Array;
  readonly #test: FieldTest;

  constructor(column: number, test: FieldTest, capacity: number) {
    this.column = column;
    this.#test = test;
    this.passes = new Uint8Array(capacity);
  }

  add(bytes: Buffer, start: number, end: number, row: number): void {
    this.passes[row] = this.#test(bytes, start, end) ? 1 : 0;
  }
}
