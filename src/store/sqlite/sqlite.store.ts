import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Datapoint, HealthRecord, HealthTransition, KrProgress } from '../../domain/types.ts';
import { checkPruneOptions } from '../prune-input.ts';
import type {
  BackfillProgress,
  ConnectionStateEntry,
  DatapointQuery,
  DestinationDisabled,
  OutboxEntry,
  OutboxQuery,
  PruneOptions,
  PruneResult,
  Silence,
  SilenceQuery,
  Store,
  SyncCommit,
  SyncCommitResult,
  SyncRun,
  SyncState,
  SyncStateQuery,
  UpsertOptions,
  UpsertResult,
} from '../store.ts';
import { checkLimit, checkOutboxEntry, checkSilence, checkSyncCommit, endedSilence, instant, invalidInput } from '../store-input.ts';
import { BookkeepingStatements } from './bookkeeping.statements.ts';
import { DatapointStatements, toDatapoint } from './datapoint.statements.ts';
import { migrate } from './migrations.ts';
import { OutboxStatements } from './outbox.statements.ts';
import { ALL, RecordStatements } from './records.statements.ts';
import { SilenceStatements } from './silence.statements.ts';
import { SqlitePruner } from './sqlite-prune.ts';
import { toStoreError } from './store-error.ts';
import { commitSyncRows, readSyncStateRows, type SqliteTables } from './sync-commit.ts';

export interface SqliteStoreOptions {
  logger?: Logger;
  /** How long a write waits for another connection's lock before failing (retryable). Default 5000. */
  busyTimeoutMs?: number;
  /** Opens an existing file for reading only (`kpi-sync plan`); never creates or migrates one. */
  readonly?: boolean;
}

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
    if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(resolve(path)), { recursive: true });
    db = new Database(path, { timeout: busyTimeoutMs, readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw toStoreError(`open of ${path}`, error);
  }
  try {
    db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      const { from, to } = migrate(db);
      if (from !== to) options.logger?.info({ path, from, to }, 'store schema migrated');
    }
    options.logger?.debug({ path }, 'store opened');
    return new SqliteStore(db);
  } catch (error) {
    db.close();
    throw toStoreError(`open of ${path}`, error);
  }
}

class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #tables: SqliteTables;
  readonly #pruner: SqlitePruner;
  readonly #silences: SilenceStatements;
  readonly #commitTx;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#tables = {
      datapoints: new DatapointStatements(db),
      records: new RecordStatements(db),
      bookkeeping: new BookkeepingStatements(db),
      outbox: new OutboxStatements(db),
    };
    this.#silences = new SilenceStatements(db);
    this.#pruner = new SqlitePruner(db, (work) => this.#do('pruneHistory', work));
    this.#commitTx = db.transaction((commit: SyncCommit) => commitSyncRows(this.#tables, commit));
  }

  readSyncState(query: SyncStateQuery): Promise<SyncState> {
    return this.#do('readSyncState', () => {
      checkLimit('readSyncState', query.recent);
      // One read transaction, so the state is one consistent snapshot.
      return this.#db.transaction(() => readSyncStateRows(this.#tables, query)).deferred();
    });
  }

  commitSync(commit: SyncCommit): Promise<SyncCommitResult> {
    return this.#do('commitSync', () => {
      checkSyncCommit(commit);
      return this.#commitTx.immediate(commit);
    });
  }

  upsertDatapoints(points: Datapoint[], options: UpsertOptions = {}): Promise<UpsertResult> {
    return this.#do('upsertDatapoints', () => {
      let closedMs = Number.NEGATIVE_INFINITY;
      if (options.closedBefore !== undefined && !options.rewriteClosed) {
        closedMs = instant('upsertDatapoints', 'closedBefore', options.closedBefore);
      }
      return this.#tables.datapoints.upsert(points, closedMs);
    });
  }

  listDatapoints(kpi: string, query: DatapointQuery = {}): Promise<Datapoint[]> {
    return this.#do('listDatapoints', () => {
      const from = query.from === undefined ? Number.MIN_SAFE_INTEGER : instant('listDatapoints', 'from', query.from);
      const to = query.to === undefined ? Number.MAX_SAFE_INTEGER : instant('listDatapoints', 'to', query.to);
      return this.#tables.datapoints.list(kpi, from, to, limitOf('listDatapoints', query.limit)).map((row) => toDatapoint(kpi, row));
    });
  }

  latestDatapoint(kpi: string): Promise<Datapoint | undefined> {
    return this.#do('latestDatapoint', () => {
      const row = this.#tables.datapoints.latest(kpi);
      return row && toDatapoint(kpi, row);
    });
  }

  getHealth(kpi: string): Promise<HealthRecord | undefined> {
    return this.#do('getHealth', () => this.#tables.records.health(kpi));
  }

  listTransitions(kpi: string, limit?: number): Promise<HealthTransition[]> {
    return this.#do('listTransitions', () => this.#tables.records.transitions(kpi, limitOf('listTransitions', limit)));
  }

  latestProgress(kr: string): Promise<KrProgress | undefined> {
    return this.#do('latestProgress', () => this.#tables.records.latestProgress(kr));
  }

  listProgress(kr: string, limit?: number): Promise<KrProgress[]> {
    return this.#do('listProgress', () => this.#tables.records.progress(kr, limitOf('listProgress', limit)));
  }

  saveRun(run: SyncRun): Promise<void> {
    return this.#do('saveRun', () => {
      const startedMs = instant('saveRun', 'startedAt', run.startedAt);
      // The run and its KPI's last success, together.
      this.#db.transaction(() => this.#tables.records.putRun(run, startedMs)).immediate();
    });
  }

  lastSuccessfulSyncs(): Promise<Map<string, string>> {
    return this.#do('lastSuccessfulSyncs', () => this.#tables.records.lastSuccesses());
  }

  listRuns(query: { kpi?: string; limit?: number } = {}): Promise<SyncRun[]> {
    return this.#do('listRuns', () => this.#tables.records.runs(query.kpi, limitOf('listRuns', query.limit)));
  }

  getConnectorCursor(kpi: string): Promise<unknown> {
    return this.#do('getConnectorCursor', () => this.#tables.bookkeeping.cursor(kpi));
  }

  getBackfillProgress(kpi: string): Promise<BackfillProgress | undefined> {
    return this.#do('getBackfillProgress', () => this.#tables.bookkeeping.backfill(kpi));
  }

  saveBackfillProgress(kpi: string, progress: BackfillProgress | undefined): Promise<void> {
    return this.#do('saveBackfillProgress', () => this.#tables.bookkeeping.putBackfill(kpi, progress));
  }

  disabledDestinations(): Promise<Map<string, DestinationDisabled>> {
    return this.#do('disabledDestinations', () => this.#tables.bookkeeping.disabled());
  }

  setDestinationDisabled(destination: string, disabled: DestinationDisabled | undefined): Promise<void> {
    return this.#do('setDestinationDisabled', () => this.#tables.bookkeeping.putDisabled(destination, disabled));
  }

  getConnectionState(scope: string, key: string, now: string): Promise<unknown> {
    return this.#do('getConnectionState', () => this.#tables.bookkeeping.connectionState(scope, key, instant('getConnectionState', 'now', now)));
  }

  setConnectionState(scope: string, key: string, entry: ConnectionStateEntry | undefined): Promise<void> {
    return this.#do('setConnectionState', () => {
      const expiresMs = entry?.expiresAt === undefined ? null : instant('setConnectionState', 'expiresAt', entry.expiresAt);
      this.#tables.bookkeeping.putConnectionState(scope, key, entry, expiresMs);
    });
  }

  addSilence(silence: Silence): Promise<boolean> {
    return this.#do('addSilence', () => {
      const { startsMs, endsMs } = checkSilence('addSilence', silence);
      return this.#silences.insert(silence, startsMs, endsMs);
    });
  }

  listSilences(query: SilenceQuery): Promise<Silence[]> {
    return this.#do('listSilences', () => this.#silences.endingAfter(instant('listSilences', 'endsAfter', query.endsAfter)));
  }

  removeSilence(id: string, at: string): Promise<Silence | undefined> {
    return this.#do('removeSilence', () => {
      const atMs = instant('removeSilence', 'at', at);
      return this.#db
        .transaction(() => {
          const silence = this.#silences.get(id);
          const ended = silence && endedSilence(silence, at, atMs);
          if (ended) this.#silences.end(ended, atMs);
          return ended ?? silence;
        })
        .immediate();
    });
  }

  enqueueOutbox(entries: OutboxEntry[]): Promise<number> {
    return this.#do('enqueueOutbox', () => {
      for (const entry of entries) checkOutboxEntry('enqueueOutbox', entry);
      return this.#db.transaction(() => this.#tables.outbox.insert(entries)).immediate();
    });
  }

  dueOutbox(now: string, limit: number): Promise<OutboxEntry[]> {
    return this.#do('dueOutbox', () => this.#tables.outbox.due(instant('dueOutbox', 'now', now), limitOf('dueOutbox', limit)));
  }

  updateOutbox(entry: OutboxEntry): Promise<void> {
    return this.#do('updateOutbox', () => {
      checkOutboxEntry('updateOutbox', entry);
      if (this.#tables.outbox.update(entry) === 0) throw invalidInput('updateOutbox', `no outbox entry "${entry.id}"`);
    });
  }

  claimOutbox(read: OutboxEntry, claimed: OutboxEntry): Promise<boolean> {
    return this.#do('claimOutbox', () => {
      checkOutboxEntry('claimOutbox', claimed);
      if (claimed.id !== read.id) throw invalidInput('claimOutbox', `claimed entry "${claimed.id}" is not the one read ("${read.id}")`);
      return this.#tables.outbox.claim(read, claimed) === 1;
    });
  }

  getOutbox(id: string): Promise<OutboxEntry | undefined> {
    return this.#do('getOutbox', () => this.#tables.outbox.get(id));
  }

  listOutbox(query: OutboxQuery = {}): Promise<OutboxEntry[]> {
    return this.#do('listOutbox', () => {
      limitOf('listOutbox', query.limit);
      return this.#tables.outbox.list(query);
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

function limitOf(operation: string, limit: number | undefined): number {
  return checkLimit(operation, limit) ?? ALL;
}
