import type { HealthRecord, HealthTransition, KrProgress } from '../../domain/types.ts';
import type { SyncRun } from '../store.ts';
import { instantOrNull, integerOrNull, numberOrNull } from './columns.ts';
import type { Db } from './postgres-pool.ts';
import { execute, type Params } from './statement.ts';

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

export function healthSql(p: Params, kpi: string, record: HealthRecord): string {
  return `INSERT INTO health (kpi, state, since, pending_state, pending_count, last_period, last_value, checked_at, record)
     VALUES (${p.add(kpi)}, ${p.add(record.state)}, ${p.add(instantOrNull(record.since))}, ${p.add(record.pendingState ?? null)},
       ${p.add(integerOrNull(record.pendingCount))}, ${p.add(instantOrNull(record.lastPeriod))}, ${p.add(numberOrNull(record.lastValue))},
       ${p.add(instantOrNull(record.checkedAt))}, ${p.add(JSON.stringify(record))}::jsonb)
     ON CONFLICT (kpi) DO UPDATE SET state = excluded.state, since = excluded.since, pending_state = excluded.pending_state,
       pending_count = excluded.pending_count, last_period = excluded.last_period, last_value = excluded.last_value,
       checked_at = excluded.checked_at, record = excluded.record`;
}

export async function putHealth(db: Db, kpi: string, record: HealthRecord): Promise<void> {
  await execute(db, (p) => healthSql(p, kpi, record));
}

/** Records a transition once: the same KPI, instant (as written) and states again is a no-op. */
export function transitionSql(p: Params, t: HealthTransition): string {
  return `INSERT INTO health_transitions (kpi, at, at_iso, from_state, to_state, value, period, record)
     VALUES (${p.add(t.kpi)}, ${p.add(instantOrNull(t.at))}, ${p.add(t.at)}, ${p.add(t.from)}, ${p.add(t.to)}, ${p.add(numberOrNull(t.value))},
       ${p.add(instantOrNull(t.period))}, ${p.add(JSON.stringify(t))}::jsonb)
     ON CONFLICT (kpi, at_iso, from_state, to_state) DO NOTHING`;
}

export async function addTransition(db: Db, t: HealthTransition): Promise<void> {
  await execute(db, (p) => transitionSql(p, t));
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
  await db.query("SELECT pg_advisory_xact_lock(hashtextextended('kpi-sync kr ' || kr, 0)) FROM unnest($1::text[]) AS k(kr)", [sorted]);
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
export function runSql(p: Params, run: SyncRun): string {
  return `INSERT INTO runs (id, kpi, source, mode, status, started_at, finished_at, duration_ms, raw_values, datapoints, rejected,
                       error_code, error_message, record)
     VALUES (${p.add(run.id)}, ${p.add(run.kpi)}, ${p.add(run.source ?? null)}, ${p.add(run.mode ?? null)}, ${p.add(run.status)},
       ${p.add(instantOrNull(run.startedAt))}, ${p.add(instantOrNull(run.finishedAt))}, ${p.add(numberOrNull(run.durationMs))},
       ${p.add(integerOrNull(run.rawValues))}, ${p.add(integerOrNull(run.datapoints))}, ${p.add(integerOrNull(run.rejected))},
       ${p.add(run.error?.code ?? null)}, ${p.add(run.error?.message ?? null)}, ${p.add(JSON.stringify(run))}::jsonb)
     ON CONFLICT (id) DO UPDATE SET kpi = excluded.kpi, source = excluded.source, mode = excluded.mode, status = excluded.status,
       started_at = excluded.started_at, finished_at = excluded.finished_at, duration_ms = excluded.duration_ms,
       raw_values = excluded.raw_values, datapoints = excluded.datapoints, rejected = excluded.rejected,
       error_code = excluded.error_code, error_message = excluded.error_message, record = excluded.record`;
}

/** The run, and for an ok run its KPI's last success, in one statement. */
export async function putRun(db: Db, run: SyncRun): Promise<void> {
  await execute(db, (p) => (isSuccess(run) ? `WITH r AS (${runSql(p, run)}) ${lastSuccessSql(p, run)}` : runSql(p, run)));
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

/** Records an ok run's finishedAt as its KPI's last success; only a later instant replaces the stored one. Only for isSuccess runs. */
export function lastSuccessSql(p: Params, run: SyncRun): string {
  return `INSERT INTO kpi_last_success (kpi, finished_at, finished_at_iso) VALUES (${p.add(run.kpi)}, ${p.add(instantOrNull(run.finishedAt))}, ${p.add(run.finishedAt)})
     ON CONFLICT (kpi) DO UPDATE SET finished_at = excluded.finished_at, finished_at_iso = excluded.finished_at_iso
     WHERE excluded.finished_at > kpi_last_success.finished_at`;
}

export async function lastSuccesses(db: Db): Promise<Map<string, string>> {
  const result = await db.query<{ kpi: string; finished_at_iso: string }>('SELECT kpi, finished_at_iso FROM kpi_last_success ORDER BY kpi COLLATE "C"');
  return new Map(result.rows.map((row) => [row.kpi, row.finished_at_iso]));
}
