import type { Catalog } from '../../config/catalog.ts';

/**
 * How hard one connection (one Salesforce org, one Jira site) may be hit by every
 * worker together: `maxConcurrent` syncs at once and `ratePerMinute` sync starts
 * per rolling minute. Undefined means no cap.
 */
export interface ConnectionLimits {
  maxConcurrent?: number;
  ratePerMinute?: number;
}

/**
 * Queue mode's knobs: `settings.queue` from the config (src/config/queue.schema.ts),
 * then `--concurrency` and KPI_SYNC_REDIS_PREFIX; tests and the benchmark override
 * the rest.
 */
export interface QueueSettings {
  /** Redis key prefix of the queues, job schedulers and sync leases (several deployments can share one Redis). */
  prefix: string;
  /** Syncs one worker process runs at once. */
  concurrency: number;
  /** Attempts per sync job; only retryable failures use the ones after the first. */
  attempts: number;
  /** First retry delay; doubles per attempt, with jitter. */
  backoffMs: number;
  /** BullMQ job lock: a worker that stops renewing it for this long has stalled. */
  lockDurationMs: number;
  /** How often workers look for stalled jobs (those whose worker died) and re-queue them. */
  stalledIntervalMs: number;
  /** Stalls a job may survive before it is failed (a sync that kills its worker every time). */
  maxStalledCount: number;
  /** Outbox delivery cadence (one delivery pass at a time across every worker). */
  dispatchEveryMs: number;
  /** How often KPIs without a recent successful sync are checked for no_data. */
  stalenessEveryMs: number;
  /** How often old history is pruned (settings.retention). */
  retentionEveryMs: number;
  /** ms that in-flight syncs get to finish on SIGTERM. */
  shutdownTimeoutMs: number;
  /** How often a scheduler checks that every job scheduler is still in Redis (besides every reconnect). */
  healEveryMs: number;
  /** Caps per connection id. */
  limitsFor(connectionId: string): ConnectionLimits;
}

/** Four at once per connection: a fleet of workers never hits one API harder than embedded mode's default. */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { maxConcurrent: 4 };

export const DEFAULT_PREFIX = 'kpi-sync';

/** From the catalog's `settings.queue` (schema defaults fill the gaps); `overrides` win. */
export function queueSettingsFor(catalog: Catalog, overrides: Partial<QueueSettings> = {}): QueueSettings {
  const queue = catalog.settings.queue;
  const limits: Record<string, ConnectionLimits> = queue?.connections ?? { default: DEFAULT_CONNECTION_LIMITS };
  return {
    prefix: DEFAULT_PREFIX,
    concurrency: queue?.concurrency ?? catalog.settings.concurrency,
    attempts: queue?.attempts ?? 5,
    backoffMs: queue?.backoffMs ?? 5_000,
    lockDurationMs: queue?.lockDurationMs ?? 30_000,
    stalledIntervalMs: queue?.stalledIntervalMs ?? 30_000,
    maxStalledCount: 2,
    dispatchEveryMs: 2_000,
    stalenessEveryMs: 60_000,
    retentionEveryMs: 3_600_000,
    shutdownTimeoutMs: catalog.settings.shutdownTimeout,
    healEveryMs: 30_000,
    // A listed connection's caps replace the default's, so `{}` lifts them for that one.
    limitsFor: (connectionId) => limits[connectionId] ?? limits.default ?? {},
    ...overrides,
  };
}
