import { isNumeric } from './aggregate.ts';
import { ADD_DISTINCT, ADD_ROW, ADD_VALUE, BatchQuery, type BatchQueryParts } from './batch-query.ts';
import { CodedColumn } from './coded-column.ts';
import { DateColumn } from './date-column.ts';
import { dateParser } from './dates.ts';
import type { CsvEvaluator } from './evaluate.ts';
import { RecordBatch } from './record-batch.ts';
import { CodeCheck, PassCheck, RangeCheck, type RowCheck } from './row-checks.ts';
import type { CsvFilter } from './schema.ts';
import { NumberColumn, TestColumn, TextColumn } from './value-columns.ts';

/**
 * The filter's values when it only compares strings (`equals`, `in`, `notEquals`),
 * trimmed as filters.ts trims them; otherwise undefined. Such a filter's answer
 * depends only on which of its values the trimmed cell is, if any, so a CodedColumn
 * answers it. A value with U+FFFD is left to the filter's own test: a long `in` list
 * compares decoded text, where an invalid UTF-8 cell decodes to U+FFFD too.
 */
function stringValues(filter: CsvFilter): string[] | undefined {
  if (filter.min !== undefined || filter.max !== undefined) return undefined;
  const values = [filter.equals, ...(filter.in ?? []), filter.notEquals].filter((v) => v !== undefined);
  if (!values.every((v) => typeof v === 'string')) return undefined;
  const trimmed = values.map((v) => v.trim());
  return trimmed.some((v) => Buffer.from(v, 'utf8').toString('utf8').includes('\uFFFD')) ? undefined : trimmed;
}

/** Only `min` and/or `max` (the schema requires one condition at least). */
function isRange(filter: CsvFilter): boolean {
  return filter.equals === undefined && filter.notEquals === undefined && filter.in === undefined;
}

/** Get-or-create by key. */
function cached<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

/**
 * Plans a shared scan once the queries know their columns (after the first record):
 * which columns the batch extracts, each once for every query that reads it, and how
 * each query's filters and value read them. `evaluators` have laid out their columns.
 */
export function planBatch(evaluators: readonly CsvEvaluator[], capacity: number): { batch: RecordBatch; queries: BatchQuery[] } {
  // Every string value any query compares a column with: the codes of that column.
  const wanted = new Map<number, Map<string, Buffer>>();
  for (const ev of evaluators) {
    ev.query.filter.forEach((filter, k) => {
      const values = stringValues(filter);
      if (!values) return;
      const column = cached(wanted, ev.filterColumns[k]!, () => new Map<string, Buffer>());
      for (const value of values) column.set(value, Buffer.from(value, 'utf8'));
    });
  }
  const distinctColumns = new Set(evaluators.filter((ev) => ev.aggregate === 'count_distinct').map((ev) => ev.valueColumn));
  const coded = new Map([...wanted].map(([column, values]) => [column, new CodedColumn(column, [...values.values()], capacity)]));
  const dates = new Map<string, DateColumn>();
  const numbers = new Map<number, NumberColumn>();
  const texts = new Map<number, TextColumn>();
  const tests = new Map<string, TestColumn>();
  const numberColumn = (ev: CsvEvaluator, column: number) => cached(numbers, column, () => new NumberColumn(column, ev.format, ev.separators, capacity));

  const queries = evaluators.map((ev) => {
    const { query } = ev;
    const codeChecks = new Map<number, CodeCheck>();
    const checks: RowCheck[] = [];
    query.filter.forEach((filter, k) => {
      const column = ev.filterColumns[k]!;
      const test = ev.filterTests[k]!;
      if (stringValues(filter)) {
        const codes = coded.get(column)!;
        const check = cached(codeChecks, column, () => new CodeCheck(codes.codes, new Uint8Array(codes.other + 1).fill(1)));
        // The cell is one of the values (the filter's own test answers for it) or none of them.
        for (const [code, bytes] of [...wanted.get(column)!.values()].entries()) check.accept[code]! &= test(bytes, 0, bytes.length) ? 1 : 0;
        check.accept[codes.other]! &= filter.equals === undefined && filter.in === undefined ? 1 : 0;
      } else if (isRange(filter)) {
        checks.push(new RangeCheck(numberColumn(ev, column).values, filter.min ?? Number.NEGATIVE_INFINITY, filter.max ?? Number.POSITIVE_INFINITY));
      } else {
        checks.push(new PassCheck(cached(tests, `${column}:${JSON.stringify(filter)}`, () => new TestColumn(column, test, capacity)).passes));
      }
    });
    const parts: BatchQueryParts = { checks: [], add: ev.aggregate === 'count_rows' ? ADD_ROW : ev.aggregate === 'count_distinct' ? ADD_DISTINCT : ADD_VALUE };
    for (const [column, check] of codeChecks) {
      const code = parts.base ? -1 : check.single();
      if (code >= 0) parts.base = { column: coded.get(column)!, code };
      else parts.checks.push(check);
    }
    parts.checks.push(...checks);
    if (query.date) {
      const column = ev.dateColumn;
      const format = query.date.format;
      parts.date = cached(dates, `${column}:${format}`, () => new DateColumn(column, dateParser(format), capacity));
    }
    if (ev.valueColumn >= 0) {
      const column = ev.valueColumn;
      if (isNumeric(ev.aggregate)) parts.number = numberColumn(ev, column);
      else parts.text = cached(texts, column, () => new TextColumn(column, distinctColumns.has(column), capacity));
    }
    return new BatchQuery(ev, parts);
  });
  const columns = {
    dates: [...dates.values()],
    numbers: [...numbers.values()],
    coded: [...coded.values()],
    texts: [...texts.values()],
    tests: [...tests.values()],
  };
  return { batch: new RecordBatch(columns, capacity), queries };
}
