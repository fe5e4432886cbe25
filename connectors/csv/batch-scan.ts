import { planBatch } from './batch-plan.ts';
import type { BatchQuery } from './batch-query.ts';
import type { RecordBatch } from './record-batch.ts';
import type { ScanReader } from './scan-reader.ts';

/**
 * Rows per batch: enough that a query's per-batch setup is lost in its row loop, few
 * enough that the batch's columns (some 50 bytes a row) stay in the CPU cache.
 */
const BATCH_ROWS = 4096;

/**
 * The records of a scan shared by several KPIs, evaluated a batch at a time: the
 * scanner's records go into a RecordBatch (the cells the queries need, each parsed
 * once), and when it is full every query runs over it in turn (BatchQuery). The first
 * record lays out every query's columns (a query naming a missing column fails alone)
 * and settles what the batch extracts.
 */
export class BatchScan {
  readonly #readers: readonly ScanReader[];
  readonly #header: boolean;
  readonly #batchRows: number;
  /** Records after the header, of any width: every query counts them all as read. */
  #rows = 0;
  #width = -1;
  #batch: RecordBatch | undefined;
  #queries: { reader: ScanReader; query: BatchQuery }[] = [];
  #scratch: Int32Array = new Int32Array(0);

  constructor(readers: readonly ScanReader[], header: boolean, batchRows = BATCH_ROWS) {
    this.#readers = readers;
    this.#header = header;
    this.#batchRows = batchRows;
  }

  get rows(): number {
    return this.#rows;
  }

  readonly onRecord = (bytes: Buffer, starts: Int32Array, ends: Int32Array, fieldCount: number, line: number): void => {
    const batch = this.#batch;
    if (batch === undefined) {
      this.#start(bytes, starts, ends, fieldCount, line);
      return;
    }
    this.#rows++;
    if (fieldCount === this.#width) batch.add(bytes, starts, ends, line);
    else batch.event(line, `expected ${this.#width} columns, found ${fieldCount}`);
    if (batch.full) this.flush();
  };

  readonly onMalformed = (line: number, reason: string): void => {
    const batch = this.#batch;
    if (batch === undefined) {
      for (const reader of this.#readers) reader.malformed(line, reason);
      return;
    }
    batch.event(line, reason);
    if (batch.full) this.flush();
  };

  /** Runs every query still reading over what the batch holds, and empties it. Call once more after the last record. */
  flush(): void {
    const batch = this.#batch;
    if (batch === undefined || (batch.size === 0 && batch.eventAt.length === 0)) return;
    for (const { reader, query } of this.#queries) reader.run(() => query.run(batch, this.#scratch));
    batch.clear();
  }

  #start(bytes: Buffer, starts: Int32Array, ends: Int32Array, fieldCount: number, line: number): void {
    for (const reader of this.#readers) reader.layout(bytes, starts, ends, fieldCount);
    const reading = this.#readers.filter((reader) => !reader.failed);
    const { batch, queries } = planBatch(
      reading.map((reader) => reader.evaluator),
      this.#batchRows,
    );
    this.#queries = queries.map((query, k) => ({ reader: reading[k]!, query }));
    this.#scratch = new Int32Array(this.#batchRows);
    this.#batch = batch;
    this.#width = fieldCount;
    // Without a header the first record is data too.
    if (!this.#header) {
      this.#rows++;
      batch.add(bytes, starts, ends, line);
      if (batch.full) this.flush();
    }
  }
}
