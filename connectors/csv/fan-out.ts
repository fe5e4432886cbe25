import type { ParseMemo } from './parse-memo.ts';
import type { ScanReader } from './scan-reader.ts';

/**
 * Hands each record of a shared scan to the KPIs that could use it. Twenty KPIs on
 * one export mostly differ by a filter such as `region: EMEA` or `channel: web`; a
 * record is offered only to the queries whose first string filter names its cell
 * (found by one lookup per filtered column, not one test per query), plus the
 * queries without such a filter. Each query still runs all of its own tests, so the
 * lookup may let too many through but never too few. Dates and numbers are parsed
 * once per record for all of them (ParseMemo).
 */
export class RecordFanOut {
  readonly #readers: ScanReader[];
  readonly memo: ParseMemo;
  readonly #header: boolean;
  /** Records after the header: every query counts all of them as read, offered or not. */
  #rows = 0;
  #width = -1;
  /** Queries offered every record. */
  #always: ScanReader[] = [];
  /** Per filtered column: cell key → the queries that want that value. */
  #byColumn: { column: number; wanted: Map<number, ScanReader[]> }[] = [];

  constructor(readers: ScanReader[], memo: ParseMemo, header: boolean) {
    this.#readers = readers;
    this.memo = memo;
    this.#header = header;
  }

  get rows(): number {
    return this.#rows;
  }

  readonly onRecord = (bytes: Buffer, starts: Int32Array, ends: Int32Array, fieldCount: number, line: number): void => {
    this.memo.line = line;
    if (this.#width < 0) {
      // The first record: every query lays out its columns (and, without a header, reads it as data).
      for (const reader of this.#readers) reader.offer(bytes, starts, ends, fieldCount, line);
      this.#index(fieldCount);
      if (!this.#header) this.#rows++;
      return;
    }
    this.#rows++;
    if (fieldCount !== this.#width) {
      // Every query rejects a row of the wrong width, with its line.
      for (const reader of this.#readers) reader.offer(bytes, starts, ends, fieldCount, line);
      return;
    }
    const always = this.#always;
    for (let k = 0; k < always.length; k++) always[k]!.offer(bytes, starts, ends, fieldCount, line);
    const byColumn = this.#byColumn;
    for (let c = 0; c < byColumn.length; c++) {
      const { column, wanted } = byColumn[c]!;
      const readers = wanted.get(cellKey(bytes, starts[column]!, ends[column]!));
      if (readers === undefined) continue;
      for (let k = 0; k < readers.length; k++) readers[k]!.offer(bytes, starts, ends, fieldCount, line);
    }
  };

  readonly onMalformed = (line: number, reason: string): void => {
    for (const reader of this.#readers) reader.malformed(line, reason);
  };

  #index(width: number): void {
    this.#width = width;
    const columns = new Map<number, Map<number, ScanReader[]>>();
    for (const reader of this.#readers) {
      const by = reader.failed ? undefined : reader.discriminator();
      if (!by) {
        if (!reader.failed) this.#always.push(reader);
        continue;
      }
      const wanted = columns.get(by.column) ?? new Map<number, ScanReader[]>();
      columns.set(by.column, wanted);
      for (const key of new Set(by.values.map((v) => textKey(v)))) {
        const list = wanted.get(key) ?? [];
        list.push(reader);
        wanted.set(key, list);
      }
    }
    this.#byColumn = [...columns].map(([column, wanted]) => ({ column, wanted }));
  }
}

/**
 * A number for a cell's bytes with surrounding spaces trimmed, as the filters compare
 * them: equal cells get equal keys; different cells almost always different ones (a
 * collision only offers a record to a query whose own test then turns it down).
 */
export function cellKey(bytes: Uint8Array, start: number, end: number): number {
  while (start < end && bytes[start] === 32) start++;
  while (end > start && bytes[end - 1] === 32) end--;
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  // Kept to 30 bits, a small integer: V8's maps look those up far faster than doubles.
  return (hash ^ (end - start)) & 0x3fffffff;
}

function textKey(text: string): number {
  const bytes = Buffer.from(text.trim(), 'utf8');
  return cellKey(bytes, 0, bytes.length);
}
