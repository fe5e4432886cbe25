import type Database from 'better-sqlite3';
import type { Datapoint } from '../../domain/types.ts';
import type { UpsertResult } from '../store.ts';
import { invalidInput } from '../store-input.ts';

export interface DatapointRow {
  period: string;
  value: number;
  observed_at: string;
  source: string;
  approximate: number;
}

type PointParams = [string, number, string, number, string, string, number];

const COLUMNS = 'kpi, period_ms, period, value, observed_at, source, approximate';

/**
 * The datapoints table's prepared statements. This is the hot path of a sync and
 * of a backfill, so statements are prepared once, parameters are positional and
 * a batch is one transaction (one fsync of the WAL instead of one per row).
 */
export class DatapointStatements {
  readonly #replace;
  readonly #insertOnly;
  readonly #listAll;
  readonly #listRecent;
  readonly #latest;
  readonly #upsertBatch;

  constructor(db: Database.Database) {
    // The WHERE makes an unchanged value a no-op (changes = 0), so it counts as
    // skipped and keeps the observedAt of the first time it was seen.
    this.#replace = db.prepare<PointParams>(
      `INSERT INTO datapoints (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (kpi, period_ms) DO UPDATE SET period = excluded.period, value = excluded.value,
         observed_at = excluded.observed_at, source = excluded.source, approximate = excluded.approximate
       WHERE datapoints.value IS NOT excluded.value OR datapoints.source IS NOT excluded.source
         OR datapoints.approximate IS NOT excluded.approximate`,
    );
    this.#insertOnly = db.prepare<PointParams>(`INSERT INTO datapoints (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kpi, period_ms) DO NOTHING`);
    const select = 'SELECT period, value, observed_at, source, approximate FROM datapoints';
    this.#listAll = db.prepare<[string, number, number], DatapointRow>(`${select} WHERE kpi = ? AND period_ms >= ? AND period_ms < ? ORDER BY period_ms`);
    this.#listRecent = db.prepare<[string, number, number, number], DatapointRow>(
      `${select} WHERE kpi = ? AND period_ms >= ? AND period_ms < ? ORDER BY period_ms DESC LIMIT ?`,
    );
    this.#latest = db.prepare<[string], DatapointRow>(`${select} WHERE kpi = ? ORDER BY period_ms DESC LIMIT 1`);

    this.#upsertBatch = db.transaction((points: Datapoint[], closedMs: number): UpsertResult => this.upsertRows(points, closedMs));
  }

  /** The rows of one upsert, inside the caller's transaction. */
  upsertRows(points: Datapoint[], closedMs: number): UpsertResult {
    let written = 0;
    for (const point of points) {
      const { kpi, period, value } = point;
      // Date.parse handles every ISO form the domain writes and is far cheaper than luxon here.
      const periodMs = Date.parse(period);
      if (Number.isNaN(periodMs)) throw invalidInput('upsertDatapoints', `KPI "${kpi}": period "${period}" is not an ISO instant`);
      if (!Number.isFinite(value)) throw invalidInput('upsertDatapoints', `KPI "${kpi}" at ${period}: value ${value} is not finite`);
      const statement = periodMs < closedMs ? this.#insertOnly : this.#replace;
      written += statement.run(kpi, periodMs, period, value, point.observedAt, point.source, point.approximate ? 1 : 0).changes;
    }
    return { written, skipped: points.length - written };
  }

  /** All or nothing: a bad point anywhere rolls the whole batch back. */
  upsert(points: Datapoint[], closedMs: number): UpsertResult {
    if (points.length === 0) return { written: 0, skipped: 0 };
    return this.#upsertBatch.immediate(points, closedMs);
  }

  /** Ascending by period; with a limit, the most recent `limit` rows, still ascending. */
  list(kpi: string, fromMs: number, toMs: number, limit: number): DatapointRow[] {
    if (limit < 0) return this.#listAll.all(kpi, fromMs, toMs);
    return this.#listRecent.all(kpi, fromMs, toMs, limit).reverse();
  }

  latest(kpi: string): DatapointRow | undefined {
    return this.#latest.get(kpi);
  }
}

export function toDatapoint(kpi: string, row: DatapointRow): Datapoint {
  const point: Datapoint = { kpi, period: row.period, value: row.value, observedAt: row.observed_at, source: row.source };
  if (row.approximate) point.approximate = true;
  return point;
}
