import type { Pool } from 'pg';
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
import { checkLimit, checkOutboxEntry, checkSilence, checkSyncCommit, instant, invalidInput } from '../store-input.ts';
import * as bookkeeping from './bookkeeping.ts';
import * as datapoints from './datapoints.ts';
import { migrate } from './migrate.ts';
import * as outbox from './outbox.ts';
import { toPostgresStoreError } from './postgres-errors.ts';
import { createPool, inTransaction } from './postgres-pool.ts';
import { postgresTarget, type PostgresTarget } from './postgres-url.ts';
import { pruneHistory } from './prune.ts';
import * as records from './records.ts';
import * as silences from './silences.ts';
import { commitSync } from './sync-commit.ts';
import { readSyncState } from './sync-state.ts';

export interface PostgresStoreOptions {
  logger?: Logger;
  /** Connections in the pool; callers beyond it wait for one. Default 10. */
  poolSize?: number;
  /** Server-side limit on every statement (statement_timeout); past it the call fails with a retryable KS_ERR_STORE. Default 30000. */
  statementTimeoutMs?: number;
  /** Limit on opening one connection. Default 10000. */
  connectTimeoutMs?: number;
}

/**
 * Opens the scale-out store: a connection pool on the Postgres database at `url`,
 * migrated to the latest schema first (under an advisory lock, so many workers may
 * open it at once). Fails with a retryable KS_ERR_STORE when the server cannot be
 * reached; `waitForPostgres` waits for it instead. Errors never carry the URL's password.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const target = postgresTarget(url);
  const settings = {
    poolSize: positive('poolSize', options.poolSize ?? 10),
    statementTimeoutMs: positive('statementTimeoutMs', options.statementTimeoutMs ?? 30_000),
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs ?? 10_000),
  };
  const pool = createPool(url, settings, target, options.logger);
  try {
    const { from, to } = await migrate(pool);
    if (from !== to) options.logger?.info({ postgres: target.endpoint, from, to }, 'store schema migrated');
    options.logger?.debug({ postgres: target.endpoint, poolSize: settings.poolSize }, 'store opened');
    return new PostgresStore(pool, target);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw toPostgresStoreError(`open of ${target.redacted}`, error, target.scrub);
  }
}

class PostgresStore implements Store {
  readonly #pool: Pool;
  readonly #target: PostgresTarget;
  #closing: Promise<void> | undefined;

  constructor(pool: Pool, target: PostgresTarget) {
    this.#pool = pool;
    this.#target = target;
  }

  readSyncState(query: SyncStateQuery): Promise<SyncState> {
    return this.#do('readSyncState', () => {
      checkLimit('readSyncState', query.recent);
      return readSyncState(this.#pool, query);
    });
  }

  commitSync(commit: SyncCommit): Promise<SyncCommitResult> {
    return this.#do('commitSync', () => {
      checkSyncCommit(commit);
      return commitSync(this.#pool, commit);
    });
  }

  upsertDatapoints(points: Datapoint[], options: UpsertOptions = {}): Promise<UpsertResult> {
    return this.#do('upsertDatapoints', () => {
      let closedBefore: string | null = null;
      if (options.closedBefore !== undefined && !options.rewriteClosed) {
        closedBefore = new Date(instant('upsertDatapoints', 'closedBefore', options.closedBefore)).toISOString();
      }
      const rows = datapoints.upsertRows('upsertDatapoints', points);
      // One statement: atomic without an explicit transaction.
      return datapoints.upsertDatapoints(this.#pool, points.length, rows, closedBefore);
    });
  }

  listDatapoints(kpi: string, query: DatapointQuery = {}): Promise<Datapoint[]> {
    return this.#do('listDatapoints', () => {
      const from = query.from === undefined ? '-infinity' : isoOf('listDatapoints', 'from', query.from);
      const to = query.to === undefined ? 'infinity' : isoOf('listDatapoints', 'to', query.to);
      return datapoints.listDatapoints(this.#pool, kpi, from, to, limitOf('listDatapoints', query.limit));
    });
  }

  latestDatapoint(kpi: string): Promise<Datapoint | undefined> {
    return this.#do('latestDatapoint', () => datapoints.latestDatapoint(this.#pool, kpi));
  }

  getHealth(kpi: string): Promise<HealthRecord | undefined> {
    return this.#do('getHealth', () => records.getHealth(this.#pool, kpi));
  }

  listTransitions(kpi: string, limit?: number): Promise<HealthTransition[]> {
    return this.#do('listTransitions', () => records.listTransitions(this.#pool, kpi, limitOf('listTransitions', limit)));
  }

  latestProgress(kr: string): Promise<KrProgress | undefined> {
    return this.#do('latestProgress', () => records.latestProgress(this.#pool, kr));
  }

  listProgress(kr: string, limit?: number): Promise<KrProgress[]> {
    return this.#do('listProgress', () => records.listProgress(this.#pool, kr, limitOf('listProgress', limit)));
  }

  saveRun(run: SyncRun): Promise<void> {
    return this.#do('saveRun', () => {
      instant('saveRun', 'startedAt', run.startedAt);
      // The run and, for an ok run, its KPI's last success: one statement.
      return records.putRun(this.#pool, run);
    });
  }

  lastSuccessfulSyncs(): Promise<Map<string, string>> {
    return this.#do('lastSuccessfulSyncs', () => records.lastSuccesses(this.#pool));
  }

  listRuns(query: { kpi?: string; limit?: number } = {}): Promise<SyncRun[]> {
    return this.#do('listRuns', () => records.listRuns(this.#pool, query.kpi, limitOf('listRuns', query.limit)));
  }

  getConnectorCursor(kpi: string): Promise<unknown> {
    return this.#do('getConnectorCursor', () => bookkeeping.getCursor(this.#pool, kpi));
  }

  getBackfillProgress(kpi: string): Promise<BackfillProgress | undefined> {
    return this.#do('getBackfillProgress', () => bookkeeping.getBackfill(this.#pool, kpi));
  }

  saveBackfillProgress(kpi: string, progress: BackfillProgress | undefined): Promise<void> {
    return this.#do('saveBackfillProgress', () => bookkeeping.putBackfill(this.#pool, kpi, progress));
  }

  disabledDestinations(): Promise<Map<string, DestinationDisabled>> {
    return this.#do('disabledDestinations', () => bookkeeping.disabledDestinations(this.#pool));
  }

  setDestinationDisabled(destination: string, disabled: DestinationDisabled | undefined): Promise<void> {
    return this.#do('setDestinationDisabled', () => bookkeeping.putDisabled(this.#pool, destination, disabled));
  }

  getConnectionState(scope: string, key: string, now: string): Promise<unknown> {
    return this.#do('getConnectionState', () => bookkeeping.getConnectionState(this.#pool, scope, key, isoOf('getConnectionState', 'now', now)));
  }

  setConnectionState(scope: string, key: string, entry: ConnectionStateEntry | undefined): Promise<void> {
    return this.#do('setConnectionState', () => {
      const expiresAt = entry?.expiresAt === undefined ? null : isoOf('setConnectionState', 'expiresAt', entry.expiresAt);
      return bookkeeping.putConnectionState(this.#pool, scope, key, entry, expiresAt);
    });
  }

  addSilence(silence: Silence): Promise<boolean> {
    return this.#do('addSilence', () => {
      checkSilence('addSilence', silence);
      return silences.insertSilence(this.#pool, silence);
    });
  }

  listSilences(query: SilenceQuery): Promise<Silence[]> {
    return this.#do('listSilences', () => silences.listSilences(this.#pool, isoOf('listSilences', 'endsAfter', query.endsAfter)));
  }

  removeSilence(id: string, at: string): Promise<Silence | undefined> {
    return this.#do('removeSilence', () => {
      const atMs = instant('removeSilence', 'at', at);
      return inTransaction(this.#pool, (client) => silences.endSilence(client, id, at, atMs));
    });
  }

  enqueueOutbox(entries: OutboxEntry[]): Promise<number> {
    return this.#do('enqueueOutbox', () => {
      for (const entry of entries) checkOutboxEntry('enqueueOutbox', entry);
      return outbox.insertOutbox(this.#pool, entries);
    });
  }

  dueOutbox(now: string, limit: number): Promise<OutboxEntry[]> {
    return this.#do('dueOutbox', () => outbox.dueOutbox(this.#pool, isoOf('dueOutbox', 'now', now), limitOf('dueOutbox', limit)));
  }

  updateOutbox(entry: OutboxEntry): Promise<void> {
    return this.#do('updateOutbox', async () => {
      checkOutboxEntry('updateOutbox', entry);
      if ((await outbox.updateOutbox(this.#pool, entry)) === 0) throw invalidInput('updateOutbox', `no outbox entry "${entry.id}"`);
    });
  }

  claimOutbox(read: OutboxEntry, claimed: OutboxEntry): Promise<boolean> {
    return this.#do('claimOutbox', async () => {
      checkOutboxEntry('claimOutbox', claimed);
      if (claimed.id !== read.id) throw invalidInput('claimOutbox', `claimed entry "${claimed.id}" is not the one read ("${read.id}")`);
      return (await outbox.claimOutbox(this.#pool, read, claimed)) === 1;
    });
  }

  getOutbox(id: string): Promise<OutboxEntry | undefined> {
    return this.#do('getOutbox', () => outbox.getOutbox(this.#pool, id));
  }

  listOutbox(query: OutboxQuery = {}): Promise<OutboxEntry[]> {
    return this.#do('listOutbox', () => outbox.listOutbox(this.#pool, query, limitOf('listOutbox', query.limit)));
  }

  pruneHistory(options: PruneOptions): Promise<PruneResult> {
    return this.#do('pruneHistory', () => pruneHistory(this.#pool, checkPruneOptions(options)));
  }

  close(): Promise<void> {
    // Waits for the calls in flight to hand their connections back.
    this.#closing ??= this.#pool.end().catch(() => undefined);
    return this.#closing;
  }

  /** Runs one Store call with its arguments checked first and every failure as a KsError. */
  async #do<T>(operation: string, work: () => T | Promise<T>): Promise<T> {
    try {
      if (this.#closing) throw invalidInput(operation, 'the store is closed');
      return await work();
    } catch (error) {
      throw toPostgresStoreError(operation, error, this.#target.scrub);
    }
  }
}

/** undefined = no limit, which Postgres spells LIMIT NULL. */
function limitOf(operation: string, limit: number | undefined): number | null {
  return checkLimit(operation, limit) ?? null;
}

/** The instant of an ISO argument as a UTC ISO string for a timestamptz parameter, checked like SQLite's. */
function isoOf(operation: string, field: string, iso: string): string {
  return new Date(instant(operation, field, iso)).toISOString();
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw invalidInput('open', `${name} ${value} is not a positive integer`);
  return value;
}
