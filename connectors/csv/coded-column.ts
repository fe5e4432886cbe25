/**
 * A column that string filters compare with, read as a small code per row: the index
 * of the filter value the cell equals (surrounding spaces trimmed, as the filters
 * compare), or `other` when it equals none of them. Every query's string filters on
 * the column are then a table from code to yes/no (batch-plan.ts), and one lookup per
 * row serves all twenty KPIs that filter on region or channel.
 *
 * The values are the union of the shared queries' filter values, known before the
 * first row, so the table never grows and a column of millions of distinct ids costs
 * no memory. The per-code row lists let a query with `equals` visit only its rows.
 *
 * A cell is compared four bytes at a time (DataView reads unaligned words): its first
 * word picks the candidate value in a small hash table, then its last word and up to
 * two middle words settle it, which covers values up to 16 bytes without a loop.
 */
export class CodedColumn {
  readonly column: number;
  /** The code of a cell that equals none of the values. */
  readonly other: number;
  readonly codes: Int32Array;
  readonly #values: readonly Buffer[];
  readonly #lengths: Int32Array;
  /** Per value: its first word (a shorter value packed with its length), last word, and words at 4 and 8. */
  readonly #heads: Int32Array;
  readonly #lasts: Int32Array;
  readonly #at4: Int32Array;
  readonly #at8: Int32Array;
  /** Open addressing on (head, length): value index + 1, 0 for empty. */
  readonly #table: Int32Array;
  readonly #shift: number;
  /** Rows grouped by code in row order (a counting sort), for the batch `#listed` names. */
  #listed = -1;
  readonly #rows: Int32Array;
  /** Where each code's rows start in `#rows`; one more entry than codes. */
  readonly #offsets: Int32Array;

  /** `values`: distinct, already trimmed, UTF-8. */
  constructor(column: number, values: readonly Buffer[], capacity: number) {
    this.column = column;
    this.other = values.length;
    this.codes = new Int32Array(capacity);
    this.#rows = new Int32Array(capacity);
    this.#offsets = new Int32Array(values.length + 2);
    this.#values = values;
    // Only the words a value of its length is compared on (see #lookup).
    const word = (v: Buffer, at: number, over: number): number => (v.length > over ? v.readInt32LE(at) : 0);
    this.#lengths = Int32Array.from(values, (v) => v.length);
    this.#heads = Int32Array.from(values, (v) => (v.length >= 4 ? v.readInt32LE(0) : packed(v, 0, v.length)));
    this.#lasts = Int32Array.from(values, (v) => word(v, v.length - 4, 4));
    this.#at4 = Int32Array.from(values, (v) => word(v, 4, 8));
    this.#at8 = Int32Array.from(values, (v) => word(v, 8, 12));
    let bits = 4;
    while (1 << bits < values.length * 4) bits++;
    this.#table = new Int32Array(1 << bits);
    this.#shift = 32 - bits;
    for (let code = 0; code < values.length; code++) {
      let slot = this.#slot(this.#heads[code]!, this.#lengths[code]!);
      while (this.#table[slot] !== 0) slot = (slot + 1) & (this.#table.length - 1);
      this.#table[slot] = code + 1;
    }
  }

  add(view: DataView, bytes: Buffer, start: number, end: number, row: number): void {
    const code = this.#lookup(view, bytes, start, end);
    // Rarely a cell has spaces around it: then it is looked up again without them.
    this.codes[row] = code === this.other && start < end && (bytes[start] === 32 || bytes[end - 1] === 32) ? this.#trimmed(view, bytes, start, end) : code;
  }

  #trimmed(view: DataView, bytes: Buffer, start: number, end: number): number {
    while (start < end && bytes[start] === 32) start++;
    while (end > start && bytes[end - 1] === 32) end--;
    return this.#lookup(view, bytes, start, end);
  }

  #lookup(view: DataView, bytes: Buffer, start: number, end: number): number {
    const length = end - start;
    const head = length >= 4 ? view.getInt32(start, true) : packed(bytes, start, length);
    const table = this.#table;
    const mask = table.length - 1;
    for (let slot = this.#slot(head, length); ; slot = (slot + 1) & mask) {
      const code = table[slot]! - 1;
      if (code < 0) return this.other;
      if (this.#heads[code] === head && this.#lengths[code] === length && (length <= 4 || this.#rest(view, bytes, start, end, code))) return code;
    }
  }

  /** Bytes 4 on of a cell whose first word and length match value `code`. */
  #rest(view: DataView, bytes: Buffer, start: number, end: number, code: number): boolean {
    const length = end - start;
    if (view.getInt32(end - 4, true) !== this.#lasts[code]) return false;
    if (length <= 8) return true;
    if (view.getInt32(start + 4, true) !== this.#at4[code]) return false;
    if (length <= 12) return true;
    if (view.getInt32(start + 8, true) !== this.#at8[code]) return false;
    return length <= 16 || this.#values[code]!.equals(bytes.subarray(start, end));
  }

  /** The rows of `batch` (`size` rows) with code `code`, as [from, to) in the returned array. */
  rowsWith(code: number, batch: number, size: number): { rows: Int32Array; from: number; to: number } {
    if (this.#listed !== batch) groupByCode(this.codes, size, this.#rows, this.#offsets);
    this.#listed = batch;
    return { rows: this.#rows, from: this.#offsets[code]!, to: this.#offsets[code + 1]! };
  }

  #slot(head: number, length: number): number {
    return Math.imul(head ^ length, 0x9e3779b1) >>> this.#shift;
  }
}

/** A cell of fewer than four bytes as one word: its bytes and its length (so "ab" and "ab\0" differ). */
function packed(bytes: Uint8Array, start: number, length: number): number {
  let head = length << 24;
  for (let k = 0; k < length; k++) head |= bytes[start + k]! << (k * 8);
  return head;
}

/**
 * A counting sort of rows 0..size-1 by code, stable: `rows` lists them grouped by code,
 * code c's at [offsets[c], offsets[c + 1]).
 */
function groupByCode(codes: Int32Array, size: number, rows: Int32Array, offsets: Int32Array): void {
  offsets.fill(0);
  for (let i = 0; i < size; i++) offsets[codes[i]! + 1]!++;
  for (let c = 1; c < offsets.length; c++) offsets[c]! += offsets[c - 1]!;
  // Fill from each code's start, then shift the starts back: `offsets[c]` ends up where c's rows end, i.e. c + 1's start.
  for (let i = 0; i < size; i++) rows[offsets[codes[i]!]!++] = i;
  for (let c = offsets.length - 1; c > 0; c--) offsets[c] = offsets[c - 1]!;
  offsets[0] = 0;
}
