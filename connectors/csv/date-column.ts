import { BadCells } from './bad-cells.ts';
import { DateCell, INSTANT, LOCAL_DATE, type DateParser } from './dates.ts';

/** Distinct local dates given a slot; beyond this a file of wild dates is looked up row by row. */
const MAX_SLOTS = 1 << 16;
/** Longest cell whose parse is reused for the next row with the same bytes (covers dates and short date-times). */
const MEMO_BYTES = 16;

/**
 * One date column read in one format for a batch: per row the cell's kind (0 when it
 * is not a date), local date key and ms, as dates.ts defines them. Exports are mostly
 * sorted, so most rows repeat the previous row's date: that is checked with a few word
 * compares and the parse reused. Local dates also get a slot, a small number per
 * distinct date, so each query can keep the period state of every date in an array
 * instead of asking its buckets on every row.
 */
export class DateColumn {
  readonly column: number;
  readonly kinds: Uint8Array;
  readonly keys: Int32Array;
  readonly ms: Float64Array;
  /** Local dates: the date's slot, or -1 (instants, or too many dates). */
  readonly slots: Int32Array;
  /** Rows of this batch that are not a local date with a slot: while 0, queries take their fast loop (uniform-rows.ts). */
  irregular = 0;
  readonly bad = new BadCells();
  readonly #parse: DateParser;
  readonly #cell = new DateCell();
  readonly #slotOf = new Map<number, number>();
  // The previous cell: length (-1: none kept), words, and what it parsed to.
  #length = -1;
  #w0 = 0;
  #w1 = 0;
  #w2 = 0;
  #wLast = 0;
  #kind = 0;
  #key = 0;
  #ms = 0;
  #slot = -1;

  constructor(column: number, parse: DateParser, capacity: number) {
    this.column = column;
    this.#parse = parse;
    this.kinds = new Uint8Array(capacity);
    this.keys = new Int32Array(capacity);
    this.ms = new Float64Array(capacity);
    this.slots = new Int32Array(capacity);
  }

  add(view: DataView, bytes: Buffer, start: number, end: number, row: number): void {
    const length = end - start;
    if (length === this.#length && this.#same(view, start, end)) {
      this.kinds[row] = this.#kind;
      this.keys[row] = this.#key;
      this.ms[row] = this.#ms;
      this.slots[row] = this.#slot;
      if (this.#kind !== LOCAL_DATE || this.#slot < 0) this.#irregularRow(this.#kind, row, bytes, start, end);
      return;
    }
    const cell = this.#cell;
    let kind = 0;
    let slot = -1;
    if (this.#parse(bytes, start, end, cell)) {
      kind = cell.kind;
      if (kind !== INSTANT) slot = this.#slotFor(cell.dateKey);
    }
    if (kind !== LOCAL_DATE || slot < 0) this.#irregularRow(kind, row, bytes, start, end);
    this.kinds[row] = kind;
    this.keys[row] = cell.dateKey;
    this.ms[row] = cell.ms;
    this.slots[row] = slot;
    this.#remember(view, start, end, kind, cell.dateKey, cell.ms, slot);
  }

  clear(): void {
    this.irregular = 0;
    this.bad.clear();
  }

  #irregularRow(kind: number, row: number, bytes: Buffer, start: number, end: number): void {
    this.irregular++;
    if (kind === 0) this.bad.record(row, bytes, start, end);
  }

  #same(view: DataView, start: number, end: number): boolean {
    const length = end - start;
    return (
      view.getInt32(start, true) === this.#w0 &&
      view.getInt32(end - 4, true) === this.#wLast &&
      (length <= 8 || view.getInt32(start + 4, true) === this.#w1) &&
      (length <= 12 || view.getInt32(start + 8, true) === this.#w2)
    );
  }

  #remember(view: DataView, start: number, end: number, kind: number, key: number, ms: number, slot: number): void {
    const length = end - start;
    if (length < 4 || length > MEMO_BYTES) {
      this.#length = -1;
      return;
    }
    this.#length = length;
    this.#w0 = view.getInt32(start, true);
    this.#wLast = view.getInt32(end - 4, true);
    if (length > 8) this.#w1 = view.getInt32(start + 4, true);
    if (length > 12) this.#w2 = view.getInt32(start + 8, true);
    this.#kind = kind;
    this.#key = key;
    this.#ms = ms;
    this.#slot = slot;
  }

  #slotFor(key: number): number {
    let slot = this.#slotOf.get(key);
    if (slot === undefined) {
      if (this.#slotOf.size >= MAX_SLOTS) return -1;
      slot = this.#slotOf.size;
      this.#slotOf.set(key, slot);
    }
    return slot;
  }
}
