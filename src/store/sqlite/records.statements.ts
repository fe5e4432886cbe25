import type Database from 'better-sqlite3';
import type { HealthRecord, HealthTransition, KrProgress } from '../../domain/types.ts';
import type { SyncRun } from '../store.ts';

/** SQLite's "no limit". */
export const ALL = -1;

/**
 * Health, transitions, KR progress and sync runs: each row keeps the whole record
 * as JSON plus the columns that queries filter and sort on.
 */
export class RecordStatements {
  readonly #getHealth;
  readonly #putHealth;
  readonly #addTransition;
  readonly #listTransitions;
  readonly #lastTransition;
  readonly #lastFromOk;
  readonly #firstTransition;
  readonly #latestProgress;
  readonly #addProgress;
  readonly #listProgress;
  readonly #putRun;
  readonly #listRuns;
  readonly #listRunsOfKpi;
  readonly #putSuccess;
  readonly #listSuccess;

  constructor(db: Database.Database) {
    this.#getHealth = db.prepare<[string], { record: string }>('SELECT record FROM health WHERE kpi = ?');
    this.#putHealth = db.prepare<[string, string]>('INSERT INTO health (kpi, record) VALUES (?, ?) ON CONFLICT (kpi) DO UPDATE SET record = excluded.record');
    // A transition is identified by its KPI, instant and states: committing it twice records it once.
    this.#addTransition = db.prepare<[string, string, string, string, string, string, string, string, string]>(
      `INSERT INTO health_transitions (kpi, at, from_state, to_state, record)
       SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (
         SELECT 1 FROM health_transitions WHERE kpi = ? AND at = ? AND from_state = ? AND to_state = ?)`,
    );
    this.#listTransitions = db.prepare<[string, number], { record: string }>(
      'SELECT record FROM (SELECT id, record FROM health_transitions WHERE kpi = ? ORDER BY id DESC LIMIT ?) ORDER BY id',
    );
    this.#lastTransition = db.prepare<[string], { record: string }>('SELECT record FROM health_transitions WHERE kpi = ? ORDER BY id DESC LIMIT 1');
    this.#lastFromOk = db.prepare<[string], { record: string }>(
      "SELECT record FROM health_transitions WHERE kpi = ? AND from_state = 'ok' ORDER BY id DESC LIMIT 1",
    );
    this.#firstTransition = db.prepare<[string], { record: string }>('SELECT record FROM health_transitions WHERE kpi = ? ORDER BY id LIMIT 1');

    this.#latestProgress = db.prepare<[string], { record: string }>('SELECT record FROM kr_progress WHERE kr = ? ORDER BY id DESC LIMIT 1');
    this.#addProgress = db.prepare<[string, number, number, string, string, string]>(
      'INSERT INTO kr_progress (kr, value, progress, track, at, record) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#listProgress = db.prepare<[string, number], { record: string }>(
      'SELECT record FROM (SELECT id, record FROM kr_progress WHERE kr = ? ORDER BY id DESC LIMIT ?) ORDER BY id',
    );

    // ON CONFLICT DO UPDATE keeps the rowid, so runs that started at the same
    // instant keep their insertion order as a tie-break.
    this.#putRun = db.prepare<[string, string, string, string, number, string]>(
      `INSERT INTO sync_runs (id, kpi, status, started_at, started_ms, record) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET kpi = excluded.kpi, status = excluded.status,
         started_at = excluded.started_at, started_ms = excluded.started_ms, record = excluded.record`,
    );
    this.#listRuns = db.prepare<[number], { record: string }>('SELECT record FROM sync_runs ORDER BY started_ms DESC, rowid DESC LIMIT ?');
    this.#listRunsOfKpi = db.prepare<[string, number], { record: string }>(
      'SELECT record FROM sync_runs WHERE kpi = ? ORDER BY started_ms DESC, rowid DESC LIMIT ?',
    );
    // Only a later instant replaces the stored one: runs may be written out of order.
    this.#putSuccess = db.prepare<[string, number, string]>(
      `INSERT INTO kpi_last_success (kpi, finished_ms, finished_at) VALUES (?, ?, ?)
       ON CONFLICT (kpi) DO UPDATE SET finished_ms = excluded.finished_ms, finished_at = excluded.finished_at
       WHERE excluded.finished_ms > kpi_last_success.finished_ms`,
    );
    this.#listSuccess = db.prepare<[], { kpi: string; finished_at: string }>('SELECT kpi, finished_at FROM kpi_last_success ORDER BY kpi');
  }

  health(kpi: string): HealthRecord | undefined {
    return parsed(this.#getHealth.get(kpi)?.record);
  }

  putHealth(kpi: string, record: HealthRecord): void {
    this.#putHealth.run(kpi, JSON.stringify(record));
  }

  addTransition(t: HealthTransition): void {
    this.#addTransition.run(t.kpi, t.at, t.from, t.to, JSON.stringify(t), t.kpi, t.at, t.from, t.to);
  }

  transitions(kpi: string, limit: number): HealthTransition[] {
    return this.#listTransitions.all(kpi, limit).map((row) => JSON.parse(row.record) as HealthTransition);
  }

  lastTransition(kpi: string): HealthTransition | undefined {
    return parsed(this.#lastTransition.get(kpi)?.record);
  }

  /** The transition that opened the current breach episode: the latest one out of ok, else the first. */
  episodeStart(kpi: string): HealthTransition | undefined {
    return parsed(this.#lastFromOk.get(kpi)?.record) ?? parsed(this.#firstTransition.get(kpi)?.record);
  }

  latestProgress(kr: string): KrProgress | undefined {
    return parsed(this.#latestProgress.get(kr)?.record);
  }

  /** Appends unless value, progress and track equal the latest record's. Returns whether it did. */
  appendProgress(progress: KrProgress): boolean {
    const last = this.latestProgress(progress.kr);
    if (last && last.value === progress.value && last.progress === progress.progress && last.track === progress.track) return false;
    const { kr, value, track, at } = progress;
    this.#addProgress.run(kr, value, progress.progress, track, at, JSON.stringify(progress));
    return true;
  }

  progress(kr: string, limit: number): KrProgress[] {
    return this.#listProgress.all(kr, limit).map((row) => JSON.parse(row.record) as KrProgress);
  }

  /** The run, and for an ok run its KPI's last success: call inside a transaction. */
  putRun(run: SyncRun, startedMs: number): void {
    this.#putRun.run(run.id, run.kpi, run.status, run.startedAt, startedMs, JSON.stringify(run));
    const finishedMs = run.status === 'ok' && run.finishedAt !== undefined ? Date.parse(run.finishedAt) : Number.NaN;
    if (!Number.isNaN(finishedMs)) this.#putSuccess.run(run.kpi, finishedMs, run.finishedAt!);
  }

  lastSuccesses(): Map<string, string> {
    return new Map(this.#listSuccess.all().map((row) => [row.kpi, row.finished_at]));
  }

  runs(kpi: string | undefined, limit: number): SyncRun[] {
    const rows = kpi === undefined ? this.#listRuns.all(limit) : this.#listRunsOfKpi.all(kpi, limit);
    return rows.map((row) => JSON.parse(row.record) as SyncRun);
  }
}

export function parsed<T>(json: string | undefined): T | undefined {
  return json === undefined ? undefined : (JSON.parse(json) as T);
}
