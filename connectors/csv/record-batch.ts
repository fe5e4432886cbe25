import { CellView } from './cell-view.ts';
import type { CodedColumn } from './coded-column.ts';
import type { DateColumn } from './date-column.ts';
import type { NumberColumn, TestColumn, TextColumn } from './value-columns.ts';

/** The columns a shared scan extracts, each once however many queries read it. */
export interface BatchColumns {
  dates: DateColumn[];
  numbers: NumberColumn[];
  coded: CodedColumn[];
  texts: TextColumn[];
  tests: TestColumn[];
}

/**
 * A few thousand records of a shared scan, column by column: each record's line and
 * the cells the queries need, parsed once into typed arrays while the record's bytes
 * are there. Queries then run over the batch one at a time (BatchQuery), each in a
 * tight loop of its own instead of twenty calls per record.
 *
 * Rows every query rejects alike (the wrong number of fields, a malformed line) are
 * not rows here but events, each placed before the row it preceded, so every query
 * reports its rejects in line order.
 */
export class RecordBatch {
  readonly capacity: number;
  /** Counts batches, so per-batch caches (CodedColumn's row lists) know when they are stale. */
  id = 0;
  size = 0;
  readonly lines: Int32Array;
  /** Every row index in order: the selection of a query that takes every row. */
  readonly all: Int32Array;
  readonly eventAt: number[] = [];
  readonly eventLine: number[] = [];
  readonly eventReason: string[] = [];
  readonly #columns: BatchColumns;
  readonly #cells = new CellView();

  constructor(columns: BatchColumns, capacity: number) {
    this.capacity = capacity;
    this.#columns = columns;
    this.lines = new Int32Array(capacity);
    this.all = Int32Array.from({ length: capacity }, (_, k) => k);
  }

  get full(): boolean {
    return this.size === this.capacity || this.eventAt.length === this.capacity;
  }

  /** A record of the right width. One loop per kind of column keeps each call site monomorphic. */
  add(bytes: Buffer, starts: Int32Array, ends: Int32Array, line: number): void {
    const row = this.size++;
    this.lines[row] = line;
    const { dates, numbers, coded, texts, tests } = this.#columns;
    const cells = this.#cells;
    cells.set(bytes);
    const view = cells.view;
    for (let k = 0; k < dates.length; k++) {
      const c = dates[k]!;
      c.add(view, bytes, starts[c.column]!, ends[c.column]!, row);
    }
    for (let k = 0; k < numbers.length; k++) {
      const c = numbers[k]!;
      c.add(bytes, starts[c.column]!, ends[c.column]!, row);
    }
    for (let k = 0; k < coded.length; k++) {
      const c = coded[k]!;
      c.add(view, bytes, starts[c.column]!, ends[c.column]!, row);
    }
    for (let k = 0; k < texts.length; k++) {
      const c = texts[k]!;
      c.add(bytes, starts[c.column]!, ends[c.column]!, row);
    }
    for (let k = 0; k < tests.length; k++) {
      const c = tests[k]!;
      c.add(bytes, starts[c.column]!, ends[c.column]!, row);
    }
  }

  /** A line every query rejects with `reason`, between the rows added before and after it. */
  event(line: number, reason: string): void {
    this.eventAt.push(this.size);
    this.eventLine.push(line);
    this.eventReason.push(reason);
  }

  clear(): void {
    this.id++;
    this.size = 0;
    this.eventAt.length = 0;
    this.eventLine.length = 0;
    this.eventReason.length = 0;
    for (const c of this.#columns.dates) c.clear();
    for (const c of this.#columns.numbers) c.clear();
    for (const c of this.#columns.texts) c.clear();
  }
}
