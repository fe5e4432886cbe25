import { DateTime } from 'luxon';
import { QueryError, type RawValue, type SyncWindow } from '../../src/sdk/index.ts';

/**
 * Query results → RawValue, pure. Drivers hand cells over as text or JS numbers
 * (pg with every type parser off, mysql2 with bigNumberStrings and dateStrings), so
 * no precision is lost on the way and every check happens here.
 */

export interface SqlColumn {
  name: string;
  /** The server's type name for messages (int8, numeric, DECIMAL, …). */
  type: string;
}

export interface SqlResult {
  columns: SqlColumn[];
  rows: unknown[][];
}

export type WhenNull = 'zero' | 'skip';

/** A plain decimal or scientific number, as servers print numeric types. */
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A number, or why the cell is not one. `approximate` when the text held more precision than a double keeps. */
export type NumberReading = { value: number; approximate: boolean } | { problem: string };

export function readNumber(cell: unknown, column: SqlColumn): NumberReading {
  if (typeof cell === 'number')
    return Number.isFinite(cell) ? { value: cell, approximate: false } : { problem: `${cell} (${column.type}), not a finite number` };
  if (typeof cell === 'string') {
    const text = cell.trim();
    if (!NUMBER_TEXT.test(text)) return { problem: `${column.type} ${quote(cell)}, not a number` };
    const value = Number(text);
    if (!Number.isFinite(value)) return { problem: `${column.type} ${quote(cell)}, too large for a number` };
    return { value, approximate: Math.abs(value) > Number.MAX_SAFE_INTEGER && /^[+-]?\d+$/.test(text) };
  }
  return { problem: `${describeCell(cell)} (${column.type}), not a number` };
}

/**
 * The value of a one-row, one-column result: undefined when it is NULL and `whenNull`
 * is `skip`. Anything else is a QueryError saying what came back.
 */
export function scalarValue(result: SqlResult, whenNull: WhenNull): { value: number; approximate: boolean } | undefined {
  const expected = 'the query must return one row with one numeric column';
  if (result.columns.length !== 1) throw new QueryError(`${expected}; it returned ${shape(result)}`);
  if (result.rows.length !== 1) {
    const hint =
      result.rows.length === 0
        ? ' (an aggregate such as count(*) or sum(x) always returns one row)'
        : ' (aggregate them, or set rows: true for rows of instant and value)';
    throw new QueryError(`${expected}; it returned ${shape(result)}${hint}`);
  }
  const cell = result.rows[0]![0];
  if (cell === null || cell === undefined) return whenNull === 'zero' ? { value: 0, approximate: false } : undefined;
  const reading = readNumber(cell, result.columns[0]!);
  if ('problem' in reading) throw new QueryError(`${expected}; column ${quote(result.columns[0]!.name)} holds ${reading.problem}`);
  return reading;
}

export interface RowsReading {
  values: RawValue[];
  /** Rows whose instant falls outside the window asked for (left out). */
  outside: number;
  /** Rows that could not be used, by 1-based row number. */
  rejects: { row: number; reason: string }[];
}

/**
 * Rows of (instant, value) → one RawValue each, inside `window`. An instant without an
 * offset (a date, a naive timestamp) is a wall time in the window's zone. A row with a
 * bad instant or value is rejected; when every row is, the query is wrong: QueryError.
 */
export function rowValues(result: SqlResult, window: SyncWindow, whenNull: WhenNull): RowsReading {
  if (result.columns.length !== 2) {
    throw new QueryError(`with rows: true the query must return two columns, the instant first and the value second; it returned ${shape(result)}`);
  }
  const [instantColumn, valueColumn] = result.columns as [SqlColumn, SqlColumn];
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  const reading: RowsReading = { values: [], outside: 0, rejects: [] };
  for (const [index, row] of result.rows.entries()) {
    const at = readInstant(row[0], instantColumn, window.timeZone);
    if ('problem' in at) {
      reading.rejects.push({ row: index + 1, reason: `column 1 (${instantColumn.name}) holds ${at.problem}` });
      continue;
    }
    const ms = Date.parse(at.iso);
    if (ms < start || ms >= end) {
      reading.outside += 1;
      continue;
    }
    const cell = row[1];
    if (cell === null || cell === undefined) {
      if (whenNull === 'zero') reading.values.push({ value: 0, at: at.iso });
      continue;
    }
    const value = readNumber(cell, valueColumn);
    if ('problem' in value) {
      reading.rejects.push({ row: index + 1, reason: `column 2 (${valueColumn.name}) holds ${value.problem}` });
      continue;
    }
    reading.values.push(value.approximate ? { value: value.value, at: at.iso, approximate: true } : { value: value.value, at: at.iso });
  }
  if (reading.values.length === 0 && reading.rejects.length > 0) {
    const first = reading.rejects[0]!;
    throw new QueryError(`none of the ${result.rows.length} rows could be used: row ${first.row}: ${first.reason} (columns: ${columnList(result)})`);
  }
  return reading;
}

/** An instant as ISO 8601 in `zone`, or why the cell is not one. */
export function readInstant(cell: unknown, column: SqlColumn, zone: string): { iso: string } | { problem: string } {
  if (cell instanceof Date) {
    return Number.isNaN(cell.getTime()) ? { problem: 'an invalid date' } : { iso: DateTime.fromJSDate(cell, { zone }).toISO()! };
  }
  if (typeof cell !== 'string') {
    const hint = typeof cell === 'number' ? '; return a date or timestamp (for epoch seconds: to_timestamp(x) / FROM_UNIXTIME(x))' : '';
    return { problem: `${describeCell(cell)} (${column.type}), not a date or timestamp${hint}` };
  }
  // Servers print "2026-11-01 00:00:00+01"; ISO wants the T.
  const parsed = DateTime.fromISO(cell.trim().replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T'), { zone });
  if (!parsed.isValid) return { problem: `${column.type} ${quote(cell)}, not a date or timestamp` };
  return { iso: parsed.toISO()! };
}

/** "2 rows × 1 column (n int8)", for messages. */
export function shape(result: SqlResult): string {
  const rows = `${result.rows.length} row${result.rows.length === 1 ? '' : 's'}`;
  const columns = `${result.columns.length} column${result.columns.length === 1 ? '' : 's'}`;
  return result.columns.length === 0 ? `${rows} × no columns` : `${rows} × ${columns} (${columnList(result)})`;
}

function columnList(result: SqlResult): string {
  const shown = result.columns.slice(0, 6).map((c) => `${c.name} ${c.type}`);
  return result.columns.length > 6 ? `${shown.join(', ')}, …` : shown.join(', ');
}

function describeCell(cell: unknown): string {
  if (cell === null || cell === undefined) return 'NULL';
  if (typeof cell === 'boolean') return `the boolean ${cell}`;
  if (typeof cell === 'number') return `the number ${cell}`;
  if (typeof cell === 'bigint') return `the integer ${cell}`;
  if (Buffer.isBuffer(cell)) return `${cell.length} bytes of binary data`;
  if (Array.isArray(cell)) return 'a list';
  return typeof cell === 'object' ? 'an object' : typeof cell;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
