import { numberFormatHint } from './format-hint.ts';

/** Longest excerpt of a bad cell quoted in a reject reason. */
const EXCERPT = 40;
/** Bytes that always hold the excerpt's characters (UTF-8 is at most 4 bytes a character). */
const EXCERPT_BYTES = EXCERPT * 4;

/** A bad cell as a reject reason quotes it: JSON, cut at 40 characters. */
export function cellExcerpt(bytes: Buffer, start: number, end: number): string {
  const text = bytes.toString('utf8', start, Math.min(end, start + EXCERPT_BYTES));
  return JSON.stringify(text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text);
}

/**
 * The cells of one batch column that did not parse, kept for the reject messages of
 * the queries that will reach those rows: a batch is evaluated after its records'
 * bytes are gone. Only the bytes an excerpt shows are copied (bad cells are rare, and
 * a runaway one must not be kept whole); a longer cell's separator hint is worked out
 * on the spot, since the hint reads the whole cell.
 */
export class BadCells {
  readonly #separators: { decimal: string; thousands: string } | undefined;
  /** Row → entry. */
  readonly #entries = new Map<number, number>();
  #pool = Buffer.allocUnsafe(4096);
  #used = 0;
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];
  /** Per entry: whether the copy is the whole cell, else the hint worked out on the spot. */
  readonly #whole: boolean[] = [];
  readonly #hints: (string | undefined)[] = [];

  /** `separators`: the connection's, for number columns (whose rejects carry a separator hint). */
  constructor(separators?: { decimal: string; thousands: string }) {
    this.#separators = separators;
  }

  record(row: number, bytes: Buffer, start: number, end: number): void {
    const kept = Math.min(end - start, EXCERPT_BYTES);
    if (this.#used + kept > this.#pool.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.#pool.length * 2, this.#used + kept));
      this.#pool.copy(bigger, 0, 0, this.#used);
      this.#pool = bigger;
    }
    bytes.copy(this.#pool, this.#used, start, start + kept);
    this.#entries.set(row, this.#starts.length);
    this.#starts.push(this.#used);
    this.#ends.push(this.#used + kept);
    this.#used += kept;
    const whole = kept === end - start;
    this.#whole.push(whole);
    this.#hints.push(whole || !this.#separators ? undefined : numberFormatHint(bytes.subarray(start, end), this.#separators));
  }

  excerpt(row: number): string {
    const k = this.#entries.get(row)!;
    return cellExcerpt(this.#pool, this.#starts[k]!, this.#ends[k]!);
  }

  /** The separator hint for the bad number in `row` (see numberFormatHint). */
  hint(row: number): string | undefined {
    const k = this.#entries.get(row)!;
    if (!this.#whole[k]) return this.#hints[k];
    return numberFormatHint(this.#pool.subarray(this.#starts[k]!, this.#ends[k]!), this.#separators!);
  }

  clear(): void {
    this.#entries.clear();
    this.#used = 0;
    this.#starts.length = 0;
    this.#ends.length = 0;
    this.#whole.length = 0;
    this.#hints.length = 0;
  }
}
