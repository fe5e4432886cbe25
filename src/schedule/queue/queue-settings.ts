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
 * Queue mode's knobs. The config schema has no `queue` section yet, so these are
 * defaults and CLI/environment overrides (see README-queue-mode.md); the proposed
 * schema is in the same README.
 */
export interface QueueSettings {
  /** Redis key prefix shared by the store and the queues. */
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
  /** ms that in-flight syncs get to finish on SIGTERM. */
  shutdownTimeoutMs: number;
  /** Caps per connection id. */
  limitsFor(connectionId: string): ConnectionLimits;
}

/** Four at once per connection: a fleet of workers never hits one API harder than embedded mode's default. */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { maxConcurrent: 4 };

export const DEFAULT_PREFIX = 'kpi-sync';

/** Defaults from the catalog's settings; `overrides` win. */
export function queueSettingsFor(catalog: Catalog, overrides: Partial<QueueSettings> = {}): QueueSettings {
  return {
    prefix: DEFAULT_PREFIX,
    concurrency: catalog.settings.concurrency,
    attempts: 5,
    backoffMs: 5_000,
    lockDurationMs: 30_000,
    stalledIntervalMs: 30_000,
    maxStalledCount: 2,
    dispatchEveryMs: 2_000,
    stalenessEveryMs: 60_000,
    shutdownTimeoutMs: catalog.settings.shutdownTimeout,
    limitsFor: () => DEFAULT_CONNECTION_LIMITS,
    ...overrides,
  };
}
