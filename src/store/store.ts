import type { Datapoint, HealthRecord, HealthTransition, KrProgress } from '../domain/types.ts';

export type RunStatus = 'running' | 'ok' | 'failed' | 'deferred';

/** One row per sync run: what ran, how long, what it read, and why it failed. */
export interface SyncRun {
  id: string;
  kpi: string;
  /** Connection id, or `formula`. */
  source: string;
  mode: 'current' | 'backfill';
  status: RunStatus;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  /** Raw values the connector returned. */
  rawValues?: number;
  datapoints?: number;
  /** Rows/records the connector could not use; `rejects` keeps the first 100 of them. */
  rejected?: number;
  rejects?: { where: number | string; reason: string }[];
  counters?: Record<string, number>;
  apiUsage?: { used: number; limit: number };
  error?: { code: string; message: string };
}

/** `held`: waiting for an operator (a KR push the sanity guard stopped); never handed to the dispatcher. */
export type OutboxStatus = 'pending' | 'held' | 'delivered' | 'failed' | 'dead';

/**
 * One message for one destination, written before it is sent and kept until it is
 * delivered, failed for good or dead-lettered: nothing is lost when the process
 * dies between a health transition and its delivery.
 */
export interface OutboxEntry {
  /** Unique per (event, destination). */
  id: string;
  /** The idempotency key the receiver sees (webhook-id); the same on every retry. */
  eventId: string;
  channel: 'alert' | 'push';
  destination: string;
  payload: unknown;
  status: OutboxStatus;
  attempts: number;
  createdAt: string;
  /** Not tried before this instant (backoff, Retry-After, quiet hours). */
  nextAttemptAt: string;
  lastAttemptAt?: string;
  deliveredAt?: string;
  lastStatus?: number;
  /** The last error or the receiver's response, short and free of secrets. */
  lastError?: string;
}

export interface OutboxQuery {
  status?: OutboxStatus[];
  channel?: OutboxEntry['channel'];
  limit?: number;
}

export interface UpsertOptions {
  /**
   * Periods that start before this instant (ISO) are closed: an existing value there
   * is kept unless `rewriteClosed` (an explicit backfill). Missing ones are inserted.
   */
  closedBefore?: string;
  rewriteClosed?: boolean;
}

export interface UpsertResult {
  written: number;
  /** Unchanged values and closed periods that were left alone. */
  skipped: number;
}

export interface DatapointQuery {
  /** Inclusive period start bound (ISO instant). */
  from?: string;
  /** Exclusive period start bound (ISO instant). */
  to?: string;
  /** The most recent N (still returned oldest first). */
  limit?: number;
}

/** The cutoffs of one retention pass: ISO instants (src/domain/retention.ts computes them from settings). */
export interface PruneOptions {
  /** Runs that started before this are deleted, except the latest run of each KPI. */
  runsBefore: string;
  /** Delivered outbox entries delivered (deliveredAt, else createdAt) before this are deleted. */
  deliveredBefore: string;
  /** Runs still `running` that started before this are marked failed with KS_ERR_INTERRUPTED. */
  abandonedBefore: string;
  /** The finishedAt written on interrupted runs. */
  now: string;
}

export interface PruneResult {
  runsDeleted: number;
  outboxDeleted: number;
  runsAbandoned: number;
}

/**
 * Everything kpi-sync persists. Both adapters (SQLite in embedded mode, Redis in
 * queue mode) pass tests/store/store.contract.ts; nothing above this interface knows
 * which one it talks to. Every method is idempotent where the name says so.
 */
export interface Store {
  /**
   * Idempotent on (kpi, period instant). A point equal to the stored one (value,
   * source, approximate) is skipped and keeps its first observedAt. One call is all
   * or nothing: a bad point rejects the batch; a period twice in a batch: last wins.
   */
  upsertDatapoints(points: Datapoint[], options?: UpsertOptions): Promise<UpsertResult>;
  listDatapoints(kpi: string, query?: DatapointQuery): Promise<Datapoint[]>;
  latestDatapoint(kpi: string): Promise<Datapoint | undefined>;

  getHealth(kpi: string): Promise<HealthRecord | undefined>;
  /**
   * Saves the new health record and, in the same transaction, the transition that
   * caused it and the outbox entries (alerts) it produces.
   */
  saveHealth(kpi: string, record: HealthRecord, transition?: HealthTransition, outbox?: OutboxEntry[]): Promise<void>;
  /** Oldest first; `limit` keeps the most recent N. */
  listTransitions(kpi: string, limit?: number): Promise<HealthTransition[]>;

  /** Appends to the KR's history only when value, progress or track changed; returns whether it did. */
  recordProgress(progress: KrProgress): Promise<boolean>;
  latestProgress(kr: string): Promise<KrProgress | undefined>;
  /** Oldest first; `limit` keeps the most recent N. */
  listProgress(kr: string, limit?: number): Promise<KrProgress[]>;

  /** Inserts or replaces the run with this id. */
  saveRun(run: SyncRun): Promise<void>;
  /** Most recent first. */
  listRuns(query?: { kpi?: string; limit?: number }): Promise<SyncRun[]>;

  /** Opaque connector state, keyed by a scope such as `kpi:mrr`. Setting undefined deletes it. */
  getCursor(scope: string): Promise<unknown>;
  setCursor(scope: string, value: unknown): Promise<void>;

  /** Adds entries; an id already present is left as it is (idempotent). Returns how many were new. */
  enqueueOutbox(entries: OutboxEntry[]): Promise<number>;
  /** Pending entries due at `now`, oldest first. */
  dueOutbox(now: string, limit: number): Promise<OutboxEntry[]>;
  /** Replaces an entry's delivery state (status, attempts, times, last error). */
  updateOutbox(entry: OutboxEntry): Promise<void>;
  getOutbox(id: string): Promise<OutboxEntry | undefined>;
  /** Newest first. */
  listOutbox(query?: OutboxQuery): Promise<OutboxEntry[]>;

  /**
   * One retention pass, in this order:
   * 1. runs that started before `runsBefore` are deleted, except the latest run of
   *    each KPI (the one `listRuns({ kpi, limit: 1 })` returns), so status and the
   *    dashboard still show every KPI's last run.
   * 2. every remaining run still `running` that started before `abandonedBefore`
   *    becomes `failed` with finishedAt `now` and error KS_ERR_INTERRUPTED (its
   *    process died mid-sync); the rest of the record is kept. A run its process
   *    saves again afterwards keeps what that process wrote.
   * 3. outbox entries with status `delivered` whose deliveredAt (createdAt when it is
   *    unset) and createdAt are before `deliveredBefore` are deleted. Pending, held,
   *    failed and dead entries are never deleted: operators act on those.
   * Works in bounded batches (no single transaction or script holds the store for
   * long), so other writers interleave; safe to run from several processes, and
   * idempotent: a second pass with the same options changes nothing. Listings and
   * indexes stay consistent throughout. Returns what it changed.
   */
  pruneHistory(options: PruneOptions): Promise<PruneResult>;

  close(): Promise<void>;
}
