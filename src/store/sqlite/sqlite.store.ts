import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Datapoint, HealthRecord, HealthTransition, KrProgress } from '../../domain/types.ts';
import type { DatapointQuery, OutboxEntry, OutboxQuery, PruneOptions, PruneResult, Store, SyncRun, UpsertOptions, UpsertResult } from '../store.ts';
import { migrate } from './migrations.ts';
import { DatapointStatements, type DatapointRow } from './datapoint.statements.ts';
import { OutboxStatements } from './outbox.statements.ts';
import { SqlitePruner } from './sqlite-prune.ts';
import { checkPruneOptions } from '../prune-input.ts';
import { checkLimit, checkOutboxEntry, instant, invalidInput } from '../store-input.ts';
import { toStoreError } from './store-error.ts';

export interface SqliteStoreOptions {
  logger?: Logger;
  /** How long a write waits for another connection's lock before failing (retryable). Default 5000. */
  busyTimeoutMs?: number;
}

/** SQLite's "no limit". */
const ALL = -1;

/**
 * Opens (creating if needed) the embedded store: one SQLite file in WAL mode, so
 * readers never block the writer and a killed process loses nothing committed.
 * synchronous=NORMAL is the WAL setting that stays consistent across a crash and
 * only risks the last commits on power loss (https://www.sqlite.org/pragma.html#pragma_synchronous).
 */
export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<Store> {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  let db: Database.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    db = new Database(path, { timeout: busyTimeoutMs });
  } catch (error) {
    throw toStoreError(`open of ${path}`, error);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    db.pragma('foreign_keys = ON');
    const { from, to } = migrate(db);
    if (from !== to) options.logger?.info({ path, from, to }, 'store schema migrated');
    options.logger?.debug({ path, schemaVersion: to }, 'store opened');
    return new SqliteStore(db);
  } catch (error) {
    db.close();
    throw toStoreError(`open of ${path}`, error);
  }
}

class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #datapoints: DatapointStatements;
  readonly #outbox: OutboxStatements;
  readonly #pruner: SqlitePruner;
  readonly #getHealth;
  readonly #putHealth;
  readonly #addTransition;
  readonly #listTransitions;
  readonly #latestProgress;
  readonly #addProgress;
  readonly #listProgress;
  readonly #putRun;
  readonly #listRuns;
  readonly #listRunsOfKpi;
  readonly #getCursor;
  readonly #putCursor;
  readonly #deleteCursor;
  readonly #saveHealthTx;
  readonly #recordProgressTx;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#datapoints = new DatapointStatements(db);
    this.#outbox = new OutboxStatements(db);
    this.#pruner = new SqlitePruner(db, (work) => this.#do('pruneHistory', work));

    this.#getHealth = db.prepare<[string], { record: string }>('SELECT record FROM health WHERE kpi = ?');
    this.#putHealth = db.prepare<[string, string]>(
      'INSERT INTO health (kpi, record) VALUES (?, ?) ON CONFLICT (kpi) DO UPDATE SET record = excluded.record',
    );
    this.#addTransition = db.prepare<[string, string, string]>(
      'INSERT INTO health_transitions (kpi, at, record) VALUES (?, ?, ?)',
    );
    this.#listTransitions = db.prepare<[string, number], { record: string }>(
      `SELECT record FROM (SELECT id, record FROM health_transitions WHERE kpi = ? ORDER BY id DESC LIMIT ?)
       ORDER BY id`,
    );

    this.#latestProgress = db.prepare<[string], { record: string }>(
      'SELECT record FROM kr_progress WHERE kr = ? ORDER BY id DESC LIMIT 1',
    );
    this.#addProgress = db.prepare<[string, number, number, string, string, string]>(
      'INSERT INTO kr_progress (kr, value, progress, track, at, record) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#listProgress = db.prepare<[string, number], { record: string }>(
      `SELECT record FROM (SELECT id, record FROM kr_progress WHERE kr = ? ORDER BY id DESC LIMIT ?)
       ORDER BY id`,
    );

    // ON CONFLICT DO UPDATE keeps the rowid, so runs that started at the same
    // instant keep their insertion order as a tie-break.
    this.#putRun = db.prepare<[string, string, string, string, number, string]>(
      `INSERT INTO sync_runs (id, kpi, status, started_at, started_ms, record) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET kpi = excluded.kpi, status = excluded.status,
         started_at = excluded.started_at, started_ms = excluded.started_ms, record = excluded.record`,
    );
    this.#listRuns = db.prepare<[number], { record: string }>(
      'SELECT record FROM sync_runs ORDER BY started_ms DESC, rowid DESC LIMIT ?',
    );
    this.#listRunsOfKpi = db.prepare<[string, number], { record: string }>(
      'SELECT record FROM sync_runs WHERE kpi = ? ORDER BY started_ms DESC, rowid DESC LIMIT ?',
    );

    this.#getCursor = db.prepare<[string], { value: string }>('SELECT value FROM cursors WHERE scope = ?');
    this.#putCursor = db.prepare<[string, string]>(
      'INSERT INTO cursors (scope, value) VALUES (?, ?) ON CONFLICT (scope) DO UPDATE SET value = excluded.value',
    );
    this.#deleteCursor = db.prepare<[string]>('DELETE FROM cursors WHERE scope = ?');

    this.#saveHealthTx = db.transaction((kpi: string, record: HealthRecord, transition?: HealthTransition, outbox?: OutboxEntry[]) => {
      this.#putHealth.run(kpi, JSON.stringify(record));
      if (transition) this.#addTransition.run(kpi, transition.at, JSON.stringify(transition));
      if (outbox?.length) this.#outbox.insert(outbox);
    });
    this.#recordProgressTx = db.transaction((progress: KrProgress): boolean => {
      const latest = this.#latestProgress.get(progress.kr);
      if (latest) {
        const last = JSON.parse(latest.record) as KrProgress;
        if (last.value === progress.value && last.progress === progress.progress && last.track === progress.track) {
          return false;
        }
      }
      const { kr, value, track, at } = progress;
      this.#addProgress.run(kr, value, progress.progress, track, at, JSON.stringify(progress));
      return true;
    });
  }

  upsertDatapoints(points: Datapoint[], options: UpsertOptions = {}): Promise<UpsertResult> {
    return this.#do('upsertDatapoints', () => {
      let closedMs = Number.NEGATIVE_INFINITY;
      if (options.closedBefore !== undefined && !options.rewriteClosed) {
        closedMs = instant('upsertDatapoints', 'closedBefore', options.closedBefore);
      }
      return this.#datapoints.upsert(points, closedMs);
    });
  }

  listDatapoints(kpi: string, query: DatapointQuery = {}): Promise<Datapoint[]> {
    return this.#do('listDatapoints', () => {
      const from = query.from === undefined ? Number.MIN_SAFE_INTEGER : instant('listDatapoints', 'from', query.from);
      const to = query.to === undefined ? Number.MAX_SAFE_INTEGER : instant('listDatapoints', 'to', query.to);
      return this.#datapoints.list(kpi, from, to, limitOf('listDatapoints', query.limit)).map((row) => toDatapoint(kpi, row));
    });
  }

  latestDatapoint(kpi: string): Promise<Datapoint | undefined> {
    return this.#do('latestDatapoint', () => {
      const row = this.#datapoints.latest(kpi);
      return row && toDatapoint(kpi, row);
    });
  }

  getHealth(kpi: string): Promise<HealthRecord | undefined> {
    return this.#do('getHealth', () => parsed<HealthRecord>(this.#getHealth.get(kpi)?.record));
  }

  saveHealth(kpi: string, record: HealthRecord, transition?: HealthTransition, outbox?: OutboxEntry[]): Promise<void> {
    return this.#do('saveHealth', () => {
      if (transition && transition.kpi !== kpi) {
        throw invalidInput('saveHealth', `transition is for KPI "${transition.kpi}", not "${kpi}"`);
      }
      outbox?.forEach((entry) => checkOutboxEntry('saveHealth', entry));
      this.#saveHealthTx.immediate(kpi, record, transition, outbox);
    });
  }

  listTransitions(kpi: string, limit?: number): Promise<HealthTransition[]> {
    return this.#do('listTransitions', () =>
      this.#listTransitions.all(kpi, limitOf('listTransitions', limit)).map((row) => JSON.parse(row.record) as HealthTransition),
    );
  }

  recordProgress(progress: KrProgress): Promise<boolean> {
    return this.#do('recordProgress', () => {
      if (!Number.isFinite(progress.value) || !Number.isFinite(progress.progress)) {
        throw invalidInput('recordProgress', `KR "${progress.kr}" has a non-finite value or progress`);
      }
      // IMMEDIATE: the read of the latest record and the append must not interleave
      // with another process doing the same.
      return this.#recordProgressTx.immediate(progress);
    });
  }

  latestProgress(kr: string): Promise<KrProgress | undefined> {
    return this.#do('latestProgress', () => parsed<KrProgress>(this.#latestProgress.get(kr)?.record));
  }

  listProgress(kr: string, limit?: number): Promise<KrProgress[]> {
    return this.#do('listProgress', () =>
      this.#listProgress.all(kr, limitOf('listProgress', limit)).map((row) => JSON.parse(row.record) as KrProgress),
    );
  }

  saveRun(run: SyncRun): Promise<void> {
    return this.#do('saveRun', () => {
      const startedMs = instant('saveRun', 'startedAt', run.startedAt);
      this.#putRun.run(run.id, run.kpi, run.status, run.startedAt, startedMs, JSON.stringify(run));
    });
  }

  listRuns(query: { kpi?: string; limit?: number } = {}): Promise<SyncRun[]> {
    return this.#do('listRuns', () => {
      const limit = limitOf('listRuns', query.limit);
      const rows = query.kpi === undefined ? this.#listRuns.all(limit) : this.#listRunsOfKpi.all(query.kpi, limit);
      return rows.map((row) => JSON.parse(row.record) as SyncRun);
    });
  }

  getCursor(scope: string): Promise<unknown> {
    return this.#do('getCursor', () => parsed<unknown>(this.#getCursor.get(scope)?.value));
  }

  setCursor(scope: string, value: unknown): Promise<void> {
    return this.#do('setCursor', () => {
      const json = JSON.stringify(value) as string | undefined;
      // undefined has no JSON form: storing it means forgetting the cursor.
      if (json === undefined) this.#deleteCursor.run(scope);
      else this.#putCursor.run(scope, json);
    });
  }

  enqueueOutbox(entries: OutboxEntry[]): Promise<number> {
    return this.#do('enqueueOutbox', () => {
      entries.forEach((entry) => checkOutboxEntry('enqueueOutbox', entry));
      return this.#db.transaction(() => this.#outbox.insert(entries)).immediate();
    });
  }

  dueOutbox(now: string, limit: number): Promise<OutboxEntry[]> {
    return this.#do('dueOutbox', () => this.#outbox.due(instant('dueOutbox', 'now', now), limitOf('dueOutbox', limit)));
  }

  updateOutbox(entry: OutboxEntry): Promise<void> {
    return this.#do('updateOutbox', () => {
      checkOutboxEntry('updateOutbox', entry);
      if (this.#outbox.update(entry) === 0) throw invalidInput('updateOutbox', `no outbox entry "${entry.id}"`);
    });
  }

  getOutbox(id: string): Promise<OutboxEntry | undefined> {
    return this.#do('getOutbox', () => this.#outbox.get(id));
  }

  listOutbox(query: OutboxQuery = {}): Promise<OutboxEntry[]> {
    return this.#do('listOutbox', () => {
      limitOf('listOutbox', query.limit);
      return this.#outbox.list(query);
    });
  }

  async pruneHistory(options: PruneOptions): Promise<PruneResult> {
    return this.#pruner.prune(await this.#do('pruneHistory', () => checkPruneOptions(options)));
  }

  close(): Promise<void> {
    if (this.#db.open) this.#db.close();
    return Promise.resolve();
  }

  /** Runs a synchronous database call as the async Store API, with errors as KsErrors. */
  #do<T>(operation: string, work: () => T): Promise<T> {
    try {
      if (!this.#db.open) throw invalidInput(operation, 'the store is closed');
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(toStoreError(operation, error));
    }
  }
}

function toDatapoint(kpi: string, row: DatapointRow): Datapoint {
  const point: Datapoint = { kpi, period: row.period, value: row.value, observedAt: row.observed_at, source: row.source };
  if (row.approximate) point.approximate = true;
  return point;
}

function parsed<T>(json: string | undefined): T | undefined {
  return json === undefined ? undefined : (JSON.parse(json) as T);
}

function limitOf(operation: string, limit: number | undefined): number {
  return checkLimit(operation, limit) ?? ALL;
}
