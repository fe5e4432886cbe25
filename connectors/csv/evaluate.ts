import { DateTime } from 'luxon';
import type { Diagnostics, RawValue, SyncWindow } from '../../src/sdk/index.ts';
import { isNumeric, PeriodAggregate, zeroWhenEmpty } from './aggregate.ts';
import { PeriodBuckets } from './buckets.ts';
import { resolveColumn, type ColumnLayout } from './columns.ts';
import { DateCell, dateParser, daysFromCivil, INSTANT, LOCAL_DATE, type DateParser } from './dates.ts';
import { compileFilter, type FieldTest } from './filters.ts';
import { numberFormatHint } from './format-hint.ts';
import { isBlank, numberFormat, parseNumber, type NumberFormat } from './numbers.ts';
import type { NumberReader, ParseMemo } from './parse-memo.ts';
import type { CsvAggregate, CsvConnection, CsvQuery } from './schema.ts';

/** What the evaluator needs from the sync context. */
export interface EvaluateEnv {
  window: SyncWindow;
  mode: 'current' | 'backfill';
  periodOf(instant: string | Date): string;
  diagnostics: Diagnostics;
  /** The file path or URL, for messages. */
  source: string;
  /** In a scan shared by several KPIs: each record's date and number parsed once for all of them. */
  memo?: ParseMemo;
}

/** Longest excerpt of a bad cell quoted in a reject reason. */
const EXCERPT = 40;
/** Bad numbers looked at for a separator hint: the first few show the pattern. */
const HINT_TRIES = 20;

function inZone(iso: string, zone: string): DateTime {
  const t = DateTime.fromISO(iso, { zone });
  if (!t.isValid) throw new RangeError(`window bound is not an ISO instant: ${JSON.stringify(iso)}`);
  return t;
}

/** Wall-clock time of an instant in `zone`, as ms "as if UTC": comparable with local wall-time cells. */
function wallMs(iso: string, zone: string): number {
  const t = inZone(iso, zone);
  return daysFromCivil(t.year, t.month, t.day) * 86_400_000 + t.hour * 3_600_000 + t.minute * 60_000 + t.second * 1000 + t.millisecond;
}

/**
 * The first local date (yyyymmdd) whose day starts at or after the instant `iso`. Date
 * cells are compared with these rather than with wall times: where midnight falls in a
 * DST gap, the day (and a period starting on it) begins at 01:00.
 */
function firstDayFrom(iso: string, zone: string): number {
  const t = inZone(iso, zone);
  const day = t.startOf('day').toMillis() === t.toMillis() ? t : t.plus({ days: 1 });
  return day.year * 10000 + day.month * 100 + day.day;
}

/**
 * Applies a query to the records a CsvScanner reports: resolves columns on the first
 * record, then filters, dates, window, value and bucket for every other one. Rows it
 * cannot use are rejected with their line number; none of them stops the read.
 */
export class CsvEvaluator {
  private readonly query: CsvQuery;
  private readonly env: EvaluateEnv;
  private readonly header: boolean;
  private readonly delimiter: string;
  private readonly aggregate: CsvAggregate;
  private readonly numeric: boolean;
  private readonly format: NumberFormat;
  private readonly separators: { decimal: string; thousands: string };
  private hintsTried = 0;
  private parseDate: DateParser | undefined;
  private readNumber: NumberReader;
  private readonly cell = new DateCell();
  private readonly buckets: PeriodBuckets<PeriodAggregate>;
  private readonly startMs: number;
  private readonly endMs: number;
  private readonly wallStart: number;
  private readonly wallEnd: number;
  private readonly firstDay: number;
  private readonly endDay: number;
  /** Fields per row; -1 until the first record has been seen. */
  private width = -1;
  private names: string[] | undefined;
  private dateColumn = -1;
  private valueColumn = -1;
  private filterColumns: number[] = [];
  private filterTests: FieldTest[] = [];
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
    const format = this.format;
    this.readNumber = (bytes, start, end) => parseNumber(bytes, start, end, format);
    const { window } = env;
    this.buckets = new PeriodBuckets(env.periodOf, window.interval, window.timeZone, (period) => new PeriodAggregate(period));
    this.startMs = Date.parse(window.start);
    this.endMs = Date.parse(window.end);
    if (Number.isNaN(this.startMs) || Number.isNaN(this.endMs)) throw new RangeError(`unreadable sync window ${window.start} – ${window.end}`);
    this.wallStart = wallMs(window.start, window.timeZone);
    this.wallEnd = wallMs(window.end, window.timeZone);
    this.firstDay = firstDayFrom(window.start, window.timeZone);
    this.endDay = firstDayFrom(window.end, window.timeZone);
  }

  readonly onMalformed = (line: number, reason: string): void => {
    this.rowsRejected++;
    this.env.diagnostics.reject(line, reason);
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
        this.reject(line, `unreadable date in column ${this.label(this.dateColumn)}: ${this.excerpt(bytes, s, e)}`);
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
        value = this.readNumber(bytes, s, e);
        if (value !== value) {
          if (isBlank(bytes, s, e)) this.blankValues++;
          else this.rejectNumber(line, bytes, s, e);
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
    if (this.parseDate === undefined) state = this.windowState ??= this.windowPeriod();
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

  private layout(bytes: Buffer, starts: Int32Array, ends: Int32Array, fieldCount: number): void {
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
    const { memo } = this.env;
    if (memo) {
      if (this.parseDate && query.date) this.parseDate = memo.date(this.dateColumn, query.date.format, this.parseDate);
      if (this.valueColumn >= 0) this.readNumber = memo.number(this.valueColumn, this.format);
    }
  }

  /**
   * The column and values of the query's first filter that is an `equals` or `in` of
   * strings, once the columns are known: a row whose cell is none of them cannot
   * match, so a shared scan need not hand it this query at all.
   */
  discriminator(): { column: number; values: string[] } | undefined {
    if (this.width < 0) return undefined;
    for (const [k, filter] of this.query.filter.entries()) {
      const values = filter.equals !== undefined ? [filter.equals] : filter.in;
      if (values && values.length > 0 && values.every((v) => typeof v === 'string')) return { column: this.filterColumns[k]!, values: values as string[] };
    }
    return undefined;
  }

  /** Rows without a date column count toward the window's last period (the file is a snapshot). */
  private windowPeriod(): PeriodAggregate {
    const period = this.env.periodOf(new Date(this.endMs - 1));
    return new PeriodAggregate(period);
  }

  /** A cell that is not a number: rejected, and for the first few, a guess at the separators that would read it. */
  private rejectNumber(line: number, bytes: Buffer, start: number, end: number): void {
    this.reject(line, `not a number in column ${this.label(this.valueColumn)}: ${this.excerpt(bytes, start, end)}`);
    if (this.hintsTried >= HINT_TRIES) return;
    this.hintsTried++;
    const hint = numberFormatHint(bytes.subarray(start, end), this.separators);
    if (hint) this.env.diagnostics.hint(hint);
  }

  private reject(line: number, reason: string): void {
    this.rowsRejected++;
    this.env.diagnostics.reject(line, reason);
  }

  private label(column: number): string {
    return this.names ? JSON.stringify(this.names[column]) : String(column + 1);
  }

  private excerpt(bytes: Buffer, start: number, end: number): string {
    const text = bytes.toString('utf8', start, Math.min(end, start + EXCERPT * 4));
    return JSON.stringify(text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text);
  }
}
