import type { Datapoint } from '../../domain/types.ts';
import type { UpsertResult } from '../store.ts';
import { invalidInput } from '../store-input.ts';
import type { Db } from './postgres-pool.ts';
import { execute, Params } from './statement.ts';

/**
 * One statement per batch, whatever its size: eight arrays unnested server-side.
 * Instants travel as epoch milliseconds (Date.parse's, as SQLite's period_ms): cheaper
 * to build, send and parse than ISO text (bench/postgres-store.bench.ts), and
 * to_timestamp rounds to the microsecond, so a millisecond instant arrives exact.
 * The DO UPDATE's WHERE makes an unchanged point a no-op (not counted in rowCount),
 * so it counts as skipped and keeps the observedAt of its first sighting; a closed
 * period ($9) is only inserted, never updated.
 */
/** The eight columns of a batch, as the arrays the upsert unnests. */
export type UpsertArrays = [
  kpis: string[],
  periodsMs: number[],
  periodIsos: string[],
  values: number[],
  observedMs: (number | null)[],
  observedIsos: string[],
  sources: string[],
  approximate: boolean[],
];

export function upsertSql(p: Params, arrays: UpsertArrays, closedBefore: string | null): string {
  const [kpis, periods, periodIsos, values, observed, observedIsos, sources, approximate] = arrays.map((a) => p.add(a));
  const closed = p.add(closedBefore);
  return `
  INSERT INTO datapoints AS d (kpi, period, period_iso, value, observed_at, observed_at_iso, source, approximate)
  SELECT kpi, to_timestamp(period_ms / 1000), period_iso, value, to_timestamp(observed_ms / 1000), observed_iso, source, approximate
  FROM unnest(${kpis}::text[], ${periods}::float8[], ${periodIsos}::text[], ${values}::float8[], ${observed}::float8[], ${observedIsos}::text[], ${sources}::text[], ${approximate}::boolean[])
    AS u(kpi, period_ms, period_iso, value, observed_ms, observed_iso, source, approximate)
  ON CONFLICT (kpi, period) DO UPDATE SET
    period_iso = excluded.period_iso, value = excluded.value, observed_at = excluded.observed_at,
    observed_at_iso = excluded.observed_at_iso, source = excluded.source, approximate = excluded.approximate
  WHERE (${closed}::timestamptz IS NULL OR excluded.period >= ${closed}::timestamptz)
    AND (d.value, d.source, d.approximate) IS DISTINCT FROM (excluded.value, excluded.source, excluded.approximate)`;
}

/** The upsert on its own, with $1–$9 in column order ($9 the closed-before instant): the bench's raw baseline runs the same text. */
export const UPSERT_SQL = upsertSql(new Params(), [[], [], [], [], [], [], [], []], null);

const COLUMNS = 'period_iso, value, observed_at_iso, source, approximate';

/** A datapoint row as the store reads it. */
interface DatapointRow {
  period_iso: string;
  value: number;
  observed_at_iso: string;
  source: string;
  approximate: boolean;
}

/** A point validated for the upsert, with its instant and its place in the batch. */
interface PointRow {
  point: Datapoint;
  periodMs: number;
  index: number;
}

/**
 * Checks every point as SQLite does (same messages), sorts by (KPI, instant) so
 * concurrent batches lock rows in one order and cannot deadlock each other, and keeps
 * only the last point of a period given twice (ON CONFLICT DO UPDATE may not touch a
 * row twice in one statement).
 */
export function upsertRows(operation: string, points: readonly Datapoint[]): PointRow[] {
  const rows = points.map((point, index): PointRow => {
    const { kpi, period, value } = point;
    const periodMs = Date.parse(period);
    if (Number.isNaN(periodMs)) throw invalidInput(operation, `KPI "${kpi}": period "${period}" is not an ISO instant`);
    if (!Number.isFinite(value)) throw invalidInput(operation, `KPI "${kpi}" at ${period}: value ${value} is not finite`);
    return { point, periodMs, index };
  });
  rows.sort((a, b) => (a.point.kpi < b.point.kpi ? -1 : a.point.kpi > b.point.kpi ? 1 : a.periodMs - b.periodMs || a.index - b.index));
  return rows.filter((row, i) => {
    const next = rows[i + 1];
    return next === undefined || next.point.kpi !== row.point.kpi || next.periodMs !== row.periodMs;
  });
}

/**
 * Upserts validated rows in one statement. `closedBefore` (ISO, or null when every
 * period is open or closed ones may be rewritten) marks the periods only inserted.
 * A point superseded by a later one for the same period in its own batch is never
 * stored, so it counts as skipped.
 */
export async function upsertDatapoints(db: Db, total: number, rows: readonly PointRow[], closedBefore: string | null): Promise<UpsertResult> {
  if (rows.length === 0) return { written: 0, skipped: total };
  const result = await execute(db, (p) => upsertSql(p, upsertArrays(rows), closedBefore));
  const written = result.rowCount ?? 0;
  return { written, skipped: total - written };
}

export function upsertArrays(rows: readonly PointRow[]): UpsertArrays {
  const n = rows.length;
  const arrays: UpsertArrays = [new Array(n), new Array(n), new Array(n), new Array(n), new Array(n), new Array(n), new Array(n), new Array(n)];
  const [kpis, periods, periodIsos, values, observed, observedIsos, sources, approximate] = arrays;
  // A batch is usually one observation: parse each distinct observedAt once.
  let lastObserved: string | undefined;
  let lastObservedMs: number | null = null;
  for (let i = 0; i < n; i += 1) {
    const { point, periodMs } = rows[i]!;
    if (point.observedAt !== lastObserved) {
      lastObserved = point.observedAt;
      const ms = Date.parse(point.observedAt);
      lastObservedMs = Number.isNaN(ms) ? null : ms;
    }
    kpis[i] = point.kpi;
    periods[i] = periodMs;
    periodIsos[i] = point.period;
    values[i] = point.value;
    observed[i] = lastObservedMs;
    observedIsos[i] = point.observedAt;
    sources[i] = point.source;
    approximate[i] = point.approximate === true;
  }
  return arrays;
}

/** Ascending by period; with a limit, the most recent `limit` rows, still ascending. Bounds are ISO instants. */
export async function listDatapoints(db: Db, kpi: string, from: string, to: string, limit: number | null): Promise<Datapoint[]> {
  const result = await db.query<DatapointRow>({
    name: 'kpi-sync-list-datapoints',
    text: `SELECT ${COLUMNS} FROM datapoints WHERE kpi = $1 AND period >= $2::timestamptz AND period < $3::timestamptz
           ORDER BY period DESC LIMIT $4`,
    values: [kpi, from, to, limit],
  });
  return result.rows.reverse().map((row) => toDatapoint(kpi, row));
}

export async function latestDatapoint(db: Db, kpi: string): Promise<Datapoint | undefined> {
  const result = await db.query<DatapointRow>(`SELECT ${COLUMNS} FROM datapoints WHERE kpi = $1 ORDER BY period DESC LIMIT 1`, [kpi]);
  const row = result.rows[0];
  return row && toDatapoint(kpi, row);
}

export function toDatapoint(kpi: string, row: DatapointRow): Datapoint {
  const point: Datapoint = { kpi, period: row.period_iso, value: row.value, observedAt: row.observed_at_iso, source: row.source };
  if (row.approximate) point.approximate = true;
  return point;
}

/** A row of readSyncState's `recent` array: [period_iso, value, observed_at_iso, source, approximate]. */
export type RecentTuple = [string, number, string, string, boolean];

export function fromTuple(kpi: string, [period_iso, value, observed_at_iso, source, approximate]: RecentTuple): Datapoint {
  return toDatapoint(kpi, { period_iso, value, observed_at_iso, source, approximate });
}
