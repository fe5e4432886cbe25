import type { HealthRecord, HealthTransition, KrProgress } from '../../domain/types.ts';
import type { SyncRun } from '../store.ts';
import { instantOrNull, integerOrNull, numberOrNull } from './columns.ts';
import type { Db } from './postgres-pool.ts';

/**
 * Health, transitions, KR progress and sync runs: typed columns for people and
 * indexes, and the whole record as jsonb, which is what the store reads back.
 */

interface RecordRow<T> {
  record: T;
}

export async function getHealth(db: Db, kpi: string): Promise<HealthRecord | undefined> {
  return first(await db.query<RecordRow<HealthRecord>>('SELECT record FROM health WHERE kpi = $1', [kpi]));
}

export async function putHealth(db: Db, kpi: string, record: HealthRecord): Promise<void> {
  await db.query(
    `INSERT INTO health (kpi, state, since, pending_state, pending_count, last_period, last_value, checked_at, record)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
     ON CONFLICT (kpi) DO UPDATE SET state = excluded.state, since = excluded.since, pending_state = excluded.pending_state,
       pending_count = excluded.pending_count, last_period = excluded.last_period, last_value = excluded.last_value,
       checked_at = excluded.checked_at, record = excluded.record`,
    [
      kpi,
      record.state,
      instantOrNull(record.since),
      record.pendingState ?? null,
      integerOrNull(record.pendingCount),
      instantOrNull(record.lastPeriod),
      numberOrNull(record.lastValue),
      instantOrNull(record.checkedAt),
      JSON.stringify(record),
    ],
  );
}

/** Records a transition once: the same KPI, instant (as written) and states again is a no-op. */
export async function addTransition(db: Db, t: HealthTransition): Promise<void> {
  await db.query(
    `INSERT INTO health_transitions (kpi, at, at_iso, from_state, to_state, value, period, record)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
     ON CONFLICT (kpi, at_iso, from_state, to_state) DO NOTHING`,
    [t.kpi, instantOrNull(t.at), t.at, t.from, t.to, numberOrNull(t.value), instantOrNull(t.period), JSON.stringify(t)],
  );
}

/** Oldest first (commit order); with a limit, the most recent `limit`. */
export async function listTransitions(db: Db, kpi: string, limit: number | null): Promise<HealthTransition[]> {
  const result = await db.query<RecordRow<HealthTransition>>(
    'SELECT record FROM (SELECT id, record FROM health_transitions WHERE kpi = $1 ORDER BY id DESC LIMIT $2) t ORDER BY id',
    [kpi, limit],
  );
  return result.rows.map((row) => row.record);
}

export async function latestProgress(db: Db, kr: string): Promise<KrProgress | undefined> {
  return first(await db.query<RecordRow<KrProgress>>('SELECT record FROM kr_progress WHERE kr = $1 ORDER BY id DESC LIMIT 1', [kr]));
}

export async function listProgress(db: Db, kr: string, limit: number | null): Promise<KrProgress[]> {
  const result = await db.query<RecordRow<KrProgress>>(
    'SELECT record FROM (SELECT id, record FROM kr_progress WHERE kr = $1 ORDER BY id DESC LIMIT $2) p ORDER BY id',
    [kr, limit],
  );
  return result.rows.map((row) => row.record);
}

/**
 * Takes the transaction-scoped lock of each KR, in one order (no deadlock between
 * two commits), so appendProgress's "differs from the latest" check cannot race
 * another process appending the same value. Call inside a transaction.
 */
export async function lockProgress(db: Db, krs: readonly string[]): Promise<void> {
  const sorted = [...new Set(krs)].sort();
  if (sorted.length === 0) return;
  await db.query(
    "SELECT pg_advisory_xact_lock(hashtextextended('kpi-sync kr ' || kr, 0)) FROM unnest($1::text[]) AS k(kr)",
    [sorted],
  );
}

/** Appends unless value, progress and track equal the KR's latest record. Returns whether it did. */
export async function appendProgress(db: Db, p: KrProgress): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO kr_progress (kr, value, progress, expected, expected_at_due, track, at, record)
     SELECT $1::text, $2::float8, $3::float8, $4::float8, $5::float8, $6::text, $7::timestamptz, $8::jsonb
     WHERE NOT EXISTS (
       SELECT 1 FROM (SELECT value, progress, track FROM kr_progress WHERE kr = $1 ORDER BY id DESC LIMIT 1) latest
       WHERE latest.value = $2 AND latest.progress = $3 AND latest.track = $6)`,
    [p.kr, p.value, p.progress, numberOrNull(p.expected), numberOrNull(p.expectedAtDue), p.track, instantOrNull(p.at), JSON.stringify(p)],
  );
  return (result.rowCount ?? 0) === 1;
}

/** Inserts or replaces the run with this id; a replaced run keeps its seq (insertion order). */
export async function putRun(db: Db, run: SyncRun): Promise<void> {
  await db.query(
    `INSERT INTO runs (id, kpi, source, mode, status, started_at, finished_at, duration_ms, raw_values, datapoints, rejected,
                       error_code, error_message, record)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb)
     ON CONFLICT (id) DO UPDATE SET kpi = excluded.kpi, source = excluded.source, mode = excluded.mode, status = excluded.status,
       started_at = excluded.started_at, finished_at = excluded.finished_at, duration_ms = excluded.duration_ms,
       raw_values = excluded.raw_values, datapoints = excluded.datapoints, rejected = excluded.rejected,
       error_code = excluded.error_code, error_message = excluded.error_message, record = excluded.record`,
    [
      run.id,
      run.kpi,
      run.source ?? null,
      run.mode ?? null,
      run.status,
      instantOrNull(run.startedAt),
      instantOrNull(run.finishedAt),
      numberOrNull(run.durationMs),
      integerOrNull(run.rawValues),
      integerOrNull(run.datapoints),
      integerOrNull(run.rejected),
      run.error?.code ?? null,
      run.error?.message ?? null,
      JSON.stringify(run),
    ],
  );
}

/** Most recent first: by start instant, then the later-inserted run. */
export async function listRuns(db: Db, kpi: string | undefined, limit: number | null): Promise<SyncRun[]> {
  const result =
    kpi === undefined
      ? await db.query<RecordRow<SyncRun>>('SELECT record FROM runs ORDER BY started_at DESC, seq DESC LIMIT $1', [limit])
      : await db.query<RecordRow<SyncRun>>('SELECT record FROM runs WHERE kpi = $1 ORDER BY started_at DESC, seq DESC LIMIT $2', [kpi, limit]);
  return result.rows.map((row) => row.record);
}

function first<T>(result: { rows: RecordRow<T>[] }): T | undefined {
  return result.rows[0]?.record;
}

/** Whether saving this run also records its KPI's last success (an ok run with a readable finishedAt). */
export function isSuccess(run: SyncRun): boolean {
  return run.status === 'ok' && instantOrNull(run.finishedAt) !== null;
}

/** Records an ok run's finishedAt as its KPI's last success; only a later instant replaces the stored one. */
export async function putLastSuccess(db: Db, run: SyncRun): Promise<void> {
  if (!isSuccess(run)) return;
  await db.query(
    `INSERT INTO kpi_last_success (kpi, finished_at, finished_at_iso) VALUES ($1, $2, $3)
     ON CONFLICT (kpi) DO UPDATE SET finished_at = excluded.finished_at, finished_at_iso = excluded.finished_at_iso
     WHERE excluded.finished_at > kpi_last_success.finished_at`,
    [run.kpi, instantOrNull(run.finishedAt), run.finishedAt],
  );
}

export async function lastSuccesses(db: Db): Promise<Map<string, string>> {
  const result = await db.query<{ kpi: string; finished_at_iso: string }>('SELECT kpi, finished_at_iso FROM kpi_last_success ORDER BY kpi COLLATE "C"');
  return new Map(result.rows.map((row) => [row.kpi, row.finished_at_iso]));
}
