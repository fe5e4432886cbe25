import { RateLimitedError, toKsError } from '../../sdk/errors.ts';
import { backoffDelay } from '../../sdk/retry.ts';
import type { SyncRun } from '../../store/store.ts';
import type { JobsOptions } from './bullmq.ts';
import type { QueueSettings } from './queue-settings.ts';

/** BullMQ looks up a backoff type it does not know in the worker's `settings.backoffStrategy`. */
export const BACKOFF_TYPE = 'kpi-sync';
/** The longest wait between two attempts of one sync. */
const MAX_BACKOFF_MS = 15 * 60_000;
/** Completed jobs stay this long: the window in which re-adding the same job id is a no-op. */
const KEEP_COMPLETED = { age: 3_600, count: 10_000 };
const KEEP_FAILED = { age: 7 * 86_400, count: 10_000 };

/**
 * When a result carries no typed error (a run record read back), these codes mean
 * "another attempt can help". KS_ERR_STORE is Postgres or Redis being away (a restart, a failover).
 */
const RETRYABLE_CODES = new Set(['KS_ERR_TRANSIENT', 'KS_ERR_NETWORK', 'KS_ERR_RATE_LIMITED', 'KS_ERR_STORE']);

/** A failed sync worth another attempt; the backoff honours `retryAfterMs` when the source sent one. */
export class RetryableSyncError extends Error {
  readonly code: string;
  readonly retryAfterMs: number | undefined;
  constructor(code: string, message: string, retryAfterMs?: number) {
    super(`${code}: ${message}`);
    this.name = 'RetryableSyncError';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The options every sync job carries, scheduled or added. */
export function syncJobOptions(settings: Pick<QueueSettings, 'attempts' | 'backoffMs'>): JobsOptions {
  return {
    attempts: settings.attempts,
    backoff: { type: BACKOFF_TYPE, delay: settings.backoffMs },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  };
}

/**
 * Whether a failed run is retried. `error` is the typed error the sync stopped on
 * (SyncResult.error: it carries `retryable` and Retry-After); without it the run's
 * code decides.
 */
export function retryDecision(run: Pick<SyncRun, 'error'>, error: unknown): { retryable: boolean; retryAfterMs?: number } {
  if (error !== undefined) {
    // By code, not instanceof: a connector package may raise errors of its own copy of the SDK.
    const ks = toKsError(error);
    if (ks instanceof RateLimitedError) return { retryable: true, retryAfterMs: ks.retryAfterMs };
    if (ks.code !== 'KS_ERR_INTERNAL') return { retryable: ks.retryable };
  }
  return { retryable: RETRYABLE_CODES.has(run.error?.code ?? '') };
}

/**
 * The worker's backoff: the SDK's exponential backoff with full jitter (the same
 * rule as HTTP retries and the outbox), never shorter than the source's Retry-After.
 */
export function syncBackoff(baseMs: number, random: () => number = Math.random) {
  return (attemptsMade: number, _type?: string, err?: Error): number => {
    const backoff = backoffDelay(attemptsMade, baseMs, MAX_BACKOFF_MS, random);
    const retryAfter = err instanceof RetryableSyncError ? (err.retryAfterMs ?? 0) : 0;
    return Math.max(backoff, retryAfter);
  };
}
