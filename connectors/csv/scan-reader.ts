import type { ConnectorContext, RawValue } from '../../src/sdk/index.ts';
import { CsvEvaluator } from './evaluate.ts';
import type { CsvConnection, CsvQuery } from './schema.ts';

/** One KPI's part in a scan: its query and its sync's context. */
export interface CsvReadRequest {
  query: CsvQuery;
  ctx: ConnectorContext;
}

type Handler = 'onRecord' | 'onMalformed';

/** What the scan tells each reader about itself when it ends. */
export interface ScanFacts {
  label: string;
  bytes: number;
  ms: number;
  /** KPIs the one read served. */
  sharedBy: number;
}

/**
 * One KPI's place in a scan: its evaluator, its own abort signal, and its outcome.
 * A reader fails alone (its query names a missing column, its sync is aborted); the
 * scan reads on for the others.
 */
export class ScanReader {
  readonly #request: CsvReadRequest;
  #evaluator: CsvEvaluator | undefined;
  #values: RawValue[] = [];
  #failed = false;
  #error: unknown;
  #onAbort: (() => void) | undefined;
  readonly #left: () => void;

  /** `left` is called when this reader fails or is aborted: the scan stops once nobody reads. */
  constructor(request: CsvReadRequest, left: () => void) {
    this.#request = request;
    this.#left = left;
  }

  get failed(): boolean {
    return this.#failed;
  }

  /** Leaves the scan when the KPI's sync is aborted. */
  watch(): void {
    const { signal } = this.#request.ctx;
    if (signal.aborted) {
      this.fail(signal.reason);
      return;
    }
    this.#onAbort = () => this.fail(signal.reason);
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  unwatch(): void {
    if (this.#onAbort) this.#request.ctx.signal.removeEventListener('abort', this.#onAbort);
  }

  /** Builds the evaluator once the source is open (its label goes into column errors). */
  start(connection: CsvConnection, label: string): void {
    if (this.#failed) return;
    const { query, ctx } = this.#request;
    try {
      this.#evaluator = new CsvEvaluator(connection, query, {
        window: ctx.window,
        mode: ctx.mode,
        periodOf: ctx.periodOf,
        diagnostics: ctx.diagnostics,
        source: label,
      });
    } catch (error) {
      this.fail(error);
    }
  }

  handler<K extends Handler>(name: K): CsvEvaluator[K] {
    return this.#evaluator![name];
  }

  /** The query's evaluator, once started (a reader that has not failed has one). */
  get evaluator(): CsvEvaluator {
    return this.#evaluator!;
  }

  /** The first record of a shared scan; a query naming a missing column fails alone. */
  layout(bytes: Buffer, starts: Int32Array, ends: Int32Array, fieldCount: number): void {
    this.run(() => this.#evaluator!.layout(bytes, starts, ends, fieldCount));
  }

  /** The query's share of a shared scan's work; what it throws fails it alone. */
  run(work: () => void): void {
    if (this.#failed) return;
    try {
      work();
    } catch (error) {
      this.fail(error);
    }
  }

  malformed(line: number, reason: string): void {
    if (!this.#failed) this.#evaluator!.onMalformed(line, reason);
  }

  /** In a shared scan the scan counts the rows: a query's filters pick rows out of a batch, yet it read them all. */
  setRowsRead(rows: number): void {
    if (this.#evaluator) this.#evaluator.rowsRead = rows;
  }

  finish(): void {
    if (this.#failed || !this.#evaluator) return;
    try {
      this.#evaluator.finish();
      this.#values = this.#evaluator.results();
    } catch (error) {
      this.fail(error);
    }
  }

  fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#error = error;
    this.#left();
  }

  /** The reader's outcome, with its counters and debug line written to its own sync's diagnostics. */
  settle(facts: ScanFacts): PromiseSettledResult<RawValue[]> {
    if (this.#failed || !this.#evaluator) return { status: 'rejected', reason: this.#error };
    const evaluator = this.#evaluator;
    const { diagnostics, logger } = this.#request.ctx;
    diagnostics.count('rowsRead', evaluator.rowsRead);
    diagnostics.count('bytesRead', facts.bytes);
    diagnostics.count('rowsMatched', evaluator.rowsMatched);
    if (evaluator.rowsRejected > 0) diagnostics.count('rowsRejected', evaluator.rowsRejected);
    if (evaluator.blankValues > 0) diagnostics.count('blankValues', evaluator.blankValues);
    if (facts.sharedBy > 1) diagnostics.count('kpisInScan', facts.sharedBy);
    logger.debug(
      {
        source: facts.label,
        rows: evaluator.rowsRead,
        matched: evaluator.rowsMatched,
        rejected: evaluator.rowsRejected,
        bytes: facts.bytes,
        periods: this.#values.length,
        kpisInScan: facts.sharedBy,
        ms: facts.ms,
      },
      'csv read',
    );
    return { status: 'fulfilled', value: this.#values };
  }
}
