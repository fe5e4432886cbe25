import type { Diagnostics, RawValue, SyncWindow } from '../../src/sdk/index.ts';
import { isNumeric, PeriodAggregate, zeroWhenEmpty } from './aggregate.ts';
import { cellExcerpt } from './bad-cells.ts';
import { PeriodBuckets } from './buckets.ts';
import { resolveColumn, type ColumnLayout } from './columns.ts';
import { DateCell, dateParser, INSTANT, LOCAL_DATE, type DateParser } from './dates.ts';
import { compileFilter, type FieldTest } from './filters.ts';
import { numberFormatHint } from './format-hint.ts';
import { isBlank, numberFormat, parseNumber, type NumberFormat } from './numbers.ts';
import type { CsvAggregate, CsvConnection, CsvQuery } from './schema.ts';
import { WindowBounds } from './window-bounds.ts';

/** What the evaluator needs from the sync context. */
export interface EvaluateEnv {
  window: SyncWindow;
  mode: 'current' | 'backfill';
  periodOf(instant: string | Date): string;
  diagnostics: Diagnostics;
  /** The file path or URL, for messages. */
  source: string;
}

/** Bad numbers looked at for a separator hint: the first few show the pattern. */
const HINT_TRIES = 20;

/**
 * Applies a query to the records a CsvScanner reports: resolves columns on the first
 * record, then filters, dates, window, value and bucket for every other one. Rows it
 * cannot use are rejected with their line number; none of them stops the read.
 *
 * In a scan shared by several queries the records go to a RecordBatch instead, and
 * BatchQuery applies the same rules column by column; it reads the layout, window,
 * buckets and counters here (the public fields) so both paths keep one set of them.
 */
export class CsvEvaluator {
  readonly query: CsvQuery;
  readonly env: EvaluateEnv;
  private readonly header: boolean;
  private readonly delimiter: string;
  readonly aggregate: CsvAggregate;
  private readonly numeric: boolean;
  readonly format: NumberFormat;
  readonly separators: { decimal: string; thousands: string };
  private hintsTried = 0;
  private readonly parseDate: DateParser | undefined;
  private readonly cell = new DateCell();
  readonly buckets: PeriodBuckets<PeriodAggregate>;
  readonly bounds: WindowBounds;
  // The bounds again, as the record loop reads them: one property load each.
  private readonly startMs: number;
  private readonly endMs: number;
  private readonly wallStart: number;
  private readonly wallEnd: number;
  private readonly firstDay: number;
  private readonly endDay: number;
  // The layout, set from the first record: fields per row (-1 until then) and 0-based columns.
  width = -1;
  private names: string[] | undefined;
  dateColumn = -1;
  valueColumn = -1;
  filterColumns: number[] = [];
  filterTests: FieldTest[] = [];
  private windowState: PeriodAggregate | undefined;
  rowsRead = 0;
  rowsMatched = 0;
  rowsRejected = 0;
  blankValues = 0;

  constructor(connection: CsvConnection, query: CsvQuery, env: EvaluateEnv) {
    this.query = query;
    this.env = env;
    this.header = connection.header;
    this.delimiter = connection.delimiter;
    this.aggregate = query.value.aggregate;
    this.numeric = isNumeric(this.aggregate);
    this.format = numberFormat(connection.decimal, connection.thousands);
    this.separators = { decimal: connection.decimal, thousands: connection.thousands };
    this.parseDate = query.date ? dateParser(query.date.format) : undefined;
    const { window } = env;
    this.buckets = new PeriodBuckets(env.periodOf, window.interval, window.timeZone, (period) => new PeriodAggregate(period));
    const bounds = (this.bounds = new WindowBounds(window));
    this.startMs = bounds.startMs;
    this.endMs = bounds.endMs;
    this.wallStart = bounds.wallStart;
    this.wallEnd = bounds.wallEnd;
    this.firstDay = bounds.firstDay;
    this.endDay = bounds.endDay;
  }

  readonly onMalformed = (line: number, reason: string): void => {
    this.reject(line, reason);
  };

  readonly onRecord = (bytes: Buffer, starts: Int32Array, ends: Int32Array, fieldCount: number, line: number): void => {
    if (fieldCount !== this.width) {
      // The first record (width is -1 until then) or a row of the wrong width.
      if (this.width < 0) {
        this.layout(bytes, starts, ends, fieldCount);
        if (this.header) return;
      } else {
        this.rowsRead++;
        this.reject(line, `expected ${this.width} columns, found ${fieldCount}`);
        return;
      }
    }
    this.rowsRead++;
    const filterColumns = this.filterColumns;
    const filterTests = this.filterTests;
    for (let k = 0; k < filterTests.length; k++) {
      const column = filterColumns[k]!;
      if (!filterTests[k]!(bytes, starts[column]!, ends[column]!)) return;
    }
    const cell = this.cell;
    let order = line;
    if (this.parseDate !== undefined) {
      const s = starts[this.dateColumn]!;
      const e = ends[this.dateColumn]!;
      if (!this.parseDate(bytes, s, e, cell)) {
        this.rejectDate(line, cellExcerpt(bytes, s, e));
        return;
      }
      const ms = cell.ms;
      const kind = cell.kind;
      if (kind === LOCAL_DATE) {
        if (cell.dateKey < this.firstDay || cell.dateKey >= this.endDay) return;
      } else if (kind === INSTANT) {
        if (ms < this.startMs || ms >= this.endMs) return;
      } else if (ms < this.wallStart || ms >= this.wallEnd) {
        return;
      }
      order = ms;
    }
    let value = 0;
    let text = '';
    if (this.valueColumn >= 0) {
      const s = starts[this.valueColumn]!;
      const e = ends[this.valueColumn]!;
      if (this.numeric) {
        value = parseNumber(bytes, s, e, this.format);
        if (Number.isNaN(value)) {
          if (isBlank(bytes, s, e)) this.blankValues++;
          else if (this.rejectNumber(line, cellExcerpt(bytes, s, e))) this.hint(numberFormatHint(bytes.subarray(s, e), this.separators));
          return;
        }
      } else if (isBlank(bytes, s, e)) {
        this.blankValues++;
        return;
      } else if (this.aggregate === 'count_distinct') {
        text = bytes.toString('utf8', s, e).trim();
      }
    }
    let state: PeriodAggregate;
    if (this.parseDate === undefined) state = this.windowAggregate();
    else state = cell.kind === INSTANT ? this.buckets.forInstant(cell.ms) : this.buckets.forLocalDate(cell.dateKey);
    this.rowsMatched++;
    if (this.aggregate === 'count_rows') state.addRow();
    else if (this.aggregate === 'count_distinct') state.addDistinct(text);
    else state.addValue(value, order);
  };

  /** One value per period that has rows; in current mode a 0 for an empty period where 0 is the answer. */
  results(): RawValue[] {
    const periods = this.windowState ? [this.windowState] : this.buckets.entries().map(([, state]) => state);
    const out: RawValue[] = [];
    for (const state of periods) {
      const value = state.result(this.aggregate);
      if (value !== undefined) out.push({ value, at: state.period });
    }
    if (out.length === 0 && this.env.mode === 'current' && zeroWhenEmpty(this.aggregate)) {
      out.push({ value: 0, at: this.env.periodOf(this.env.window.start) });
    }
    return out;
  }

  /** Call after the last record. A file without even a header row fails the column lookup, which says it is empty. */
  finish(): void {
    if (this.width < 0 && this.header) this.layoutFrom([], 0);
  }

  /** Resolves the query's columns from the first record (its names, or only its width without a header). */
  layout(bytes: Buffer, starts: Int32Array, ends: Int32Array, fieldCount: number): void {
    const names: string[] = [];
    if (this.header) for (let k = 0; k < fieldCount; k++) names.push(bytes.toString('utf8', starts[k]!, ends[k]!).trim());
    this.layoutFrom(names, fieldCount);
  }

  private layoutFrom(names: string[], width: number): void {
    const layout: ColumnLayout = { source: this.env.source, names: this.header ? names : undefined, width, delimiter: this.delimiter };
    const { query } = this;
    this.dateColumn = query.date ? resolveColumn(query.date.column, layout, 'date.column') : -1;
    this.valueColumn = query.value.column !== undefined ? resolveColumn(query.value.column, layout, 'value.column') : -1;
    this.filterColumns = query.filter.map((f, k) => resolveColumn(f.column, layout, `filter[${k}].column`));
    this.filterTests = query.filter.map((f) => compileFilter(f, this.format));
    this.names = layout.names;
    this.width = width;
  }

  /** The period of a query without a date column: rows count toward the window's last period (the file is a snapshot). */
  windowAggregate(): PeriodAggregate {
    return (this.windowState ??= new PeriodAggregate(this.env.periodOf(new Date(this.endMs - 1))));
  }

  rejectDate(line: number, excerpt: string): void {
    this.reject(line, `unreadable date in column ${this.label(this.dateColumn)}: ${excerpt}`);
  }

  /** Rejects a value cell that is not a number; true while such cells are still worth a separator hint (the first few). */
  rejectNumber(line: number, excerpt: string): boolean {
    this.reject(line, `not a number in column ${this.label(this.valueColumn)}: ${excerpt}`);
    if (this.hintsTried >= HINT_TRIES) return false;
    this.hintsTried++;
    return true;
  }

  hint(text: string | undefined): void {
    if (text) this.env.diagnostics.hint(text);
  }

  reject(line: number, reason: string): void {
    this.rowsRejected++;
    this.env.diagnostics.reject(line, reason);
  }

  private label(column: number): string {
    return this.names ? JSON.stringify(this.names[column]) : String(column + 1);
  }
}
