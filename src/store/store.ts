import type { Datapoint, HealthRecord, HealthTransition, KrProgress } from '../domain/types.ts';
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
  SyncCommit,
  SyncCommitResult,
  SyncRun,
  SyncState,
  SyncStateQuery,
  UpsertOptions,
  UpsertResult,
} from './store.types.ts';

export type * from './store.types.ts';
export { lastPushKey, OUTBOX_STATUSES } from './store.types.ts';

/**
 * Everything kpi-sync persists. Every adapter (SQLite in embedded mode, Postgres for
 * scale-out) passes tests/store/store.contract.ts; nothing above this interface knows
 * which one it talks to.
 *
 * A sync talks to the store twice: `readSyncState` (one read of everything its
 * planning needs) and `commitSync` (one transaction that writes everything the plan
 * decided). A process killed at any point therefore leaves either all of a sync's
 * effects or none of them.
 */
export interface Store {
  // ── the sync's two calls ────────────────────────────────────────────────────
  /** One read: health, recent datapoints, the breach episode, KR progress and the alert and push bookkeeping of one KPI. */
  readSyncState(query: SyncStateQuery): Promise<SyncState>;
  /**
   * One transaction: datapoints, health and its transition, KR progress, outbox entries,
   * alert-notified and last-pushed bookkeeping, the connector's cursor, backfill progress
   * and the finished run record. All of it, or (on any error) none of it.
   */
  commitSync(commit: SyncCommit): Promise<SyncCommitResult>;

  // ── datapoints ─────────────────────────────────────────────────────────────
  /**
   * Idempotent on (kpi, period instant). A point equal to the stored one (value,
   * source, approximate) is skipped and keeps its first observedAt. One call is all
   * or nothing: a bad point rejects the batch; a period twice in a batch: last wins.
   */
  upsertDatapoints(points: Datapoint[], options?: UpsertOptions): Promise<UpsertResult>;
  /** Oldest first. */
  listDatapoints(kpi: string, query?: DatapointQuery): Promise<Datapoint[]>;
  latestDatapoint(kpi: string): Promise<Datapoint | undefined>;

  // ── health and KR progress (written by commitSync) ──────────────────────────
  getHealth(kpi: string): Promise<HealthRecord | undefined>;
  /** Oldest first; `limit` keeps the most recent N. */
  listTransitions(kpi: string, limit?: number): Promise<HealthTransition[]>;
  latestProgress(kr: string): Promise<KrProgress | undefined>;
  /** Oldest first; `limit` keeps the most recent N. */
  listProgress(kr: string, limit?: number): Promise<KrProgress[]>;

  // ── sync runs ──────────────────────────────────────────────────────────────
  /** Inserts or replaces the run with this id (a failed or aborted run is one such write). */
  saveRun(run: SyncRun): Promise<void>;
  /** Most recent first. */
  listRuns(query?: { kpi?: string; limit?: number }): Promise<SyncRun[]>;
  /**
   * KPI id → finishedAt (as written) of its latest `ok` run by instant, recorded by
   * every write of an ok run (saveRun, commitSync) and kept when pruneHistory deletes
   * the run: "when did this KPI last sync" must not vanish while it keeps failing.
   */
  lastSuccessfulSyncs(): Promise<Map<string, string>>;

  // ── typed bookkeeping ───────────────────────────────────────────────────────
  /** A connector's own incremental state for one KPI (written through commitSync). */
  getConnectorCursor(kpi: string): Promise<unknown>;
  /** Where an interrupted per-period backfill of a KPI stopped. */
  getBackfillProgress(kpi: string): Promise<BackfillProgress | undefined>;
  /** Forgets (undefined) or sets it outside a sync, e.g. `backfill --restart`. */
  saveBackfillProgress(kpi: string, progress: BackfillProgress | undefined): Promise<void>;
  /** Destinations disabled after a 410 Gone, by name. */
  disabledDestinations(): Promise<Map<string, DestinationDisabled>>;
  /** Disables (with why) or re-enables (undefined) a destination. */
  setDestinationDisabled(destination: string, disabled: DestinationDisabled | undefined): Promise<void>;
  /**
   * What every process should know about a connection (a paused API budget, a refreshed
   * token). `scope` is the connection id plus a fingerprint of its settings, so changed
   * credentials start afresh. An entry past its `expiresAt` reads as absent.
   */
  getConnectionState(scope: string, key: string, now: string): Promise<unknown>;
  setConnectionState(scope: string, key: string, entry: ConnectionStateEntry | undefined): Promise<void>;

  // ── silences ───────────────────────────────────────────────────────────────
  /** Adds a silence; an id already present is left as it is. Returns whether it was new. */
  addSilence(silence: Silence): Promise<boolean>;
  /** Silences that end after `query.endsAfter`, newest start first (then by id). */
  listSilences(query: SilenceQuery): Promise<Silence[]>;
  /**
   * Ends a silence at `at`: endsAt becomes `at` and removedAt is set; it is kept for
   * the listing. One that had already ended by `at` is left as it is. Returns the
   * silence as stored afterwards, or undefined when no silence has this id.
   */
  removeSilence(id: string, at: string): Promise<Silence | undefined>;

  // ── outbox ─────────────────────────────────────────────────────────────────
  /** Adds entries; an id already present is left as it is (idempotent). Returns how many were new. */
  enqueueOutbox(entries: OutboxEntry[]): Promise<number>;
  /** Pending entries due at `now`, oldest first. */
  dueOutbox(now: string, limit: number): Promise<OutboxEntry[]>;
  /** Replaces an entry's delivery state (status, attempts, times, last error). */
  updateOutbox(entry: OutboxEntry): Promise<void>;
  /**
   * Takes a due entry for one delivery attempt: writes `claimed` (its attempt and
   * lease) only if the entry is still pending and due when `read` said, and says
   * whether it did. Two processes delivering from one store (a `run --once` beside
   * the workers) read the same due entry; only one of them sends it.
   */
  claimOutbox(read: OutboxEntry, claimed: OutboxEntry): Promise<boolean>;
  getOutbox(id: string): Promise<OutboxEntry | undefined>;
  /** Newest first. */
  listOutbox(query?: OutboxQuery): Promise<OutboxEntry[]>;

  /**
   * One retention pass, in this order:
   * 1. runs that started before `runsBefore` are deleted, except the latest run of
   *    each KPI (the one `listRuns({ kpi, limit: 1 })` returns), so status and the
   *    dashboard still show every KPI's last run.
   * 2. every remaining run still `running` that started before `abandonedBefore`
   *    becomes `failed` with finishedAt `now` and error KS_ERR_INTERRUPTED (written by
   *    an older kpi-sync that saved runs before they finished, whose process died).
   * 3. outbox entries with status `delivered` or `silenced` whose deliveredAt (createdAt
   *    when it is unset) and createdAt are before `deliveredBefore` are deleted. Pending,
   *    held, failed and dead entries are never deleted: operators act on those.
   * Works in bounded batches, so other writers interleave; safe to run from several
   * processes, and idempotent. Returns what it changed.
   */
  pruneHistory(options: PruneOptions): Promise<PruneResult>;

  /** Idempotent; every call afterwards rejects. */
  close(): Promise<void>;
}
