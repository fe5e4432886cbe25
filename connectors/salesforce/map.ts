/**
 * Salesforce JSON → RawValue, pure. Shapes follow the REST API Developer Guide:
 * a query answers `{ totalSize, done, nextRecordsUrl?, records: [{ attributes, ...fields }] }`
 * (https://developer.salesforce.com/docs/platform/api-rest/guide/resources-query.html);
 * an aggregate query answers AggregateResult records keyed by alias, `expr0` when unaliased;
 * `SELECT COUNT() ...` answers `totalSize` with no records.
 */
import { BadResponseError, QueryError, z, type RawValue } from '../../src/sdk/index.ts';
import type { SalesforceQuery } from './schema.ts';

export type SfRecord = Record<string, unknown>;

const queryPageSchema = z.object({
  totalSize: z.int().min(0),
  done: z.boolean(),
  nextRecordsUrl: z.string().min(1).optional(),
  records: z.array(z.record(z.string(), z.unknown())),
});

export type QueryPage = z.infer<typeof queryPageSchema>;

/** A query response body, checked: anything else is a BadResponseError naming what was wrong. */
export function parseQueryPage(data: unknown, where: string): QueryPage {
  const parsed = queryPageSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? issue.path.join('.') : 'body';
    throw new BadResponseError(`${where}: not a query result (${at}: ${issue?.message ?? 'unexpected shape'})`);
  }
  return parsed.data;
}

/** `api-usage=18/5000` (optionally followed by `; per-app-api-usage=...`) → used and limit. */
export function parseLimitInfo(header: string | undefined): { used: number; limit: number } | undefined {
  if (header === undefined) return undefined;
  const match = /(?:^|[;,\s])api-usage=(\d+)\/(\d+)/.exec(header);
  if (!match) return undefined;
  const used = Number(match[1]);
  const limit = Number(match[2]);
  return limit > 0 ? { used, limit } : undefined;
}

/**
 * A field of a record by name or dotted relationship path (`Account.AnnualRevenue`).
 * Salesforce answers with the API name's casing whatever the SOQL said, so names match
 * case-insensitively. `undefined` when the record has no such field.
 */
export function fieldValue(record: SfRecord, path: string): unknown {
  let current: unknown = record;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    const obj = current as Record<string, unknown>;
    const key = Object.hasOwn(obj, part) ? part : Object.keys(obj).find((k) => k.toLowerCase() === part.toLowerCase());
    if (key === undefined) return undefined;
    current = obj[key];
  }
  return current;
}

function valueColumns(record: SfRecord, dimensions: readonly string[]): string[] {
  const skip = new Set(['attributes', ...dimensions.map((d) => d.toLowerCase())]);
  return Object.keys(record).filter((k) => !skip.has(k.toLowerCase()));
}

/** Which column holds the number: the configured one, else the only value column, else expr0. */
export function valueColumn(record: SfRecord, query: Pick<SalesforceQuery, 'value' | 'dimensions'>): string {
  if (query.value !== undefined) return query.value;
  const columns = valueColumns(record, query.dimensions ?? []);
  if (columns.length === 1 && columns[0] !== undefined) return columns[0];
  const expr0 = columns.find((c) => c.toLowerCase() === 'expr0');
  if (expr0 !== undefined) return expr0;
  throw new QueryError(
    `the query answers ${columns.length === 0 ? 'no value column' : `several columns (${columns.join(', ')})`}; set query.value to the alias that holds the number`,
  );
}

function dimensionsOf(record: SfRecord, dimensions: readonly string[] | undefined): Record<string, string> | undefined {
  if (!dimensions || dimensions.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const name of dimensions) {
    const value = fieldValue(record, name);
    out[name] = value === null || value === undefined ? '' : String(value);
  }
  return out;
}

function numberOrNull(value: unknown, column: string): number | null {
  if (value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value === undefined) throw new QueryError(`the query result has no column "${column}"; check query.value against the SELECT aliases`);
  throw new QueryError(`column "${column}" holds ${JSON.stringify(value).slice(0, 60)}, not a number`);
}

/**
 * Server-side aggregates: one RawValue per AggregateResult record (one per group with
 * GROUP BY). A `SELECT COUNT()` answer has no records: its value is `totalSize`.
 */
export function aggregateValues(page: QueryPage, query: SalesforceQuery, at: string): RawValue[] {
  if (page.records.length === 0) {
    // No groups at all: nothing to report per dimension; ungrouped, this is COUNT()'s answer.
    return query.dimensions && query.dimensions.length > 0 ? [] : [{ value: page.totalSize, at }];
  }
  const out: RawValue[] = [];
  for (const record of page.records) {
    const column = valueColumn(record, query);
    const value = numberOrNull(fieldValue(record, column), column);
    if (value === null && query.whenNull === 'skip') continue;
    const dimensions = dimensionsOf(record, query.dimensions);
    out.push({ value: value ?? 0, at, ...(dimensions ? { dimensions } : {}) });
  }
  return out;
}

interface Group {
  dimensions: Record<string, string> | undefined;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** A record that could not be used, for `ctx.diagnostics.reject`. */
export interface Rejected {
  where: string;
  reason: string;
}

/**
 * Client-side aggregation over the records of a plain SOQL, page by page, so memory
 * stays flat however many pages there are. Groups by `dimensions` when given.
 */
export class RecordAggregator {
  readonly #query: SalesforceQuery;
  readonly #groups = new Map<string, Group>();
  readonly rejected: Rejected[] = [];

  constructor(query: SalesforceQuery) {
    this.#query = query;
  }

  add(records: readonly SfRecord[]): void {
    const { value: field, aggregate } = this.#query;
    for (const record of records) {
      let n = 0;
      if (aggregate !== 'count' && field !== undefined) {
        const raw = fieldValue(record, field);
        if (raw === null || raw === undefined) continue; // SQL semantics: nulls do not count
        if (typeof raw !== 'number' || !Number.isFinite(raw)) {
          this.rejected.push({ where: recordId(record), reason: `${field} is ${JSON.stringify(raw).slice(0, 60)}, not a number` });
          continue;
        }
        n = raw;
      }
      const dimensions = dimensionsOf(record, this.#query.dimensions);
      const key = dimensions ? JSON.stringify(dimensions) : '';
      let group = this.#groups.get(key);
      if (!group) this.#groups.set(key, (group = { dimensions, count: 0, sum: 0, min: Infinity, max: -Infinity }));
      group.count += 1;
      group.sum += n;
      group.min = Math.min(group.min, n);
      group.max = Math.max(group.max, n);
    }
  }

  /** One value per group; with no records, 0 for sum and count and nothing for avg, min, max. */
  values(at: string): RawValue[] {
    const { aggregate, dimensions } = this.#query;
    if (this.#groups.size === 0) {
      const grouped = dimensions !== undefined && dimensions.length > 0;
      return !grouped && (aggregate === 'sum' || aggregate === 'count') ? [{ value: 0, at }] : [];
    }
    return [...this.#groups.values()].map((g) => ({
      value: pick(g, aggregate ?? 'sum'),
      at,
      ...(g.dimensions ? { dimensions: g.dimensions } : {}),
    }));
  }
}

function pick(group: Group, aggregate: NonNullable<SalesforceQuery['aggregate']>): number {
  switch (aggregate) {
    case 'count':
      return group.count;
    case 'sum':
      return group.sum;
    case 'avg':
      return group.sum / group.count;
    case 'min':
      return group.min;
    case 'max':
      return group.max;
  }
}

function recordId(record: SfRecord): string {
  const id = fieldValue(record, 'Id');
  if (typeof id === 'string') return id;
  const url = (record.attributes as { url?: unknown } | undefined)?.url;
  return typeof url === 'string' ? (url.split('/').pop() ?? url) : 'record';
}
