import type { Datapoint, HealthRecord, HealthTransition, KrProgress } from '../domain/types.ts';

/** The shapes the Store interface (store.ts) reads and writes. */

/** `aborted`: stopped by a shutdown at its deadline; the next run tries again. */
export type RunStatus = 'running' | 'ok' | 'failed' | 'deferred' | 'aborted';

/** One row per finished sync run: what ran, how long, what it read, and why it failed. */
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
  /** Likely causes of the rejects, from the connector (Diagnostics.hint). */
  hints?: string[];
  error?: { code: string; message: string };
}

/**
 * `held`: waiting for an operator (a KR push the sanity guard stopped); never handed to the dispatcher.
 * `silenced`: an alert a silence matched when it was due; recorded, never sent (terminal, like `delivered`).
 */
export type OutboxStatus = 'pending' | 'held' | 'delivered' | 'failed' | 'dead' | 'silenced';

/** Every outbox status, for the places that list or validate them. */
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'held', 'delivered', 'failed', 'dead', 'silenced'];

/**
 * One message for one destination, written in the same transaction as the change
 * that caused it and kept until it is delivered, failed for good or dead-lettered.
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

/** The last push of a (KR, target) pair: for `minInterval` and the push guard. */
export interface LastPush {
  at: string;
  /** The value the platform last got from us (a held push keeps the previous one). */
  value?: number;
}

/** Where an interrupted per-period backfill stopped: every period from `from` to `done` is written. */
export interface BackfillProgress {
  from: string;
  to: string;
  done: string;
  updatedAt: string;
}

/**
 * An operator's silence (Alertmanager's): alerts about the KPIs it matches are
 * recorded as `silenced` instead of sent while it is active, from `startsAt` until
 * `endsAt`. Removing one ends it early; it is kept, so the listing shows who ended what.
 */
export interface Silence {
  /** Unique; chosen by the caller. */
  id: string;
  /** One KPI id or one category: exactly one of the two. */
  matcher: SilenceMatcher;
  startsAt: string;
  endsAt: string;
  /** Why, in the operator's words. */
  reason: string;
  /** Who added it. */
  createdBy: string;
  /** Set when an operator ended it before its time (`endsAt` is then that instant). */
  removedAt?: string;
}

export type SilenceMatcher = { kpi: string; category?: never } | { category: string; kpi?: never };

export interface SilenceQuery {
  /** Only silences that end after this instant (ISO): active ones, and those that ended since. */
  endsAfter: string;
}

/** Why a destination was disabled (a 410 Gone). */
export interface DestinationDisabled {
  at: string;
  status?: number;
  reason: string;
}

export interface ConnectionStateEntry {
  value: unknown;
  /** ISO instant after which the entry reads as absent. */
  expiresAt?: string;
}

/** What `readSyncState` reads for one KPI. */
export interface SyncStateQuery {
  kpi: string;
  /** The KRs on this KPI, for their latest progress. */
  krs: readonly string[];
  /** The alert routes that may notify about this KPI, for their last notification time. */
  routes: readonly string[];
  /** The (KR, push target) pairs of this KPI's KRs, for their last push. */
  pushes: readonly { kr: string; target: string }[];
  /** How many of the KPI's most recent datapoints to read (trend, guard). */
  recent: number;
}

/** Everything the sync planner needs to decide, read in one call. */
export interface SyncState {
  health?: HealthRecord;
  /** The most recent transition. */
  lastTransition?: HealthTransition;
  /** The transition that opened the current breach episode: the latest one from `ok`, else the first. */
  episodeStart?: HealthTransition;
  /** The most recent stored datapoints, oldest first. */
  recent: Datapoint[];
  /** Latest progress by KR id. */
  progress: Map<string, KrProgress>;
  /** Last notification instant by route name. */
  notified: Map<string, string>;
  /** Last push by `lastPushKey(kr, target)`. */
  lastPushed: Map<string, LastPush>;
}

/** The key of `SyncState.lastPushed`. */
export function lastPushKey(kr: string, target: string): string {
  return `${kr}\u0000${target}`;
}

/** Everything one sync (or one staleness verdict) writes, in one transaction. */
export interface SyncCommit {
  kpi: string;
  datapoints?: { points: Datapoint[]; options: UpsertOptions };
  health?: { record: HealthRecord; transition?: HealthTransition };
  /** Appended per KR only when value, progress or track differ from its latest record. */
  progress?: KrProgress[];
  /** Idempotent by id: an entry already present is left as it is. */
  outbox?: OutboxEntry[];
  /** Route → instant this KPI last notified it. */
  notified?: { route: string; at: string }[];
  lastPushed?: { kr: string; target: string; push: LastPush }[];
  /** The connector's cursor for this KPI; `value: undefined` forgets it. */
  cursor?: { value: unknown };
  /** Backfill progress of this KPI; `progress: undefined` forgets it. */
  backfill?: { progress: BackfillProgress | undefined };
  /** The finished run record. */
  run?: SyncRun;
}

export interface SyncCommitResult extends UpsertResult {
  /** Outbox entries that were new. */
  outboxAdded: number;
  /** KR progress records appended. */
  progressAppended: number;
}

/** The cutoffs of one retention pass: ISO instants (src/domain/retention.ts computes them from settings). */
export interface PruneOptions {
  /** Runs that started before this are deleted, except the latest run of each KPI. */
  runsBefore: string;
  /** Delivered and silenced outbox entries delivered (deliveredAt, else createdAt) before this are deleted. */
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
