import type { OutboxEntry, PruneOptions, SyncRun } from './store.ts';
import { instant } from './store-input.ts';

/**
 * What both Store adapters share for pruneHistory, so they prune exactly the same
 * records and write the same interrupted run.
 */

/**
 * Records one batch touches: one SQLite transaction or one Redis script. Small
 * enough that other writers wait milliseconds, not seconds, behind a first pass
 * over months of history.
 */
export const PRUNE_BATCH = 1000;

export interface PruneInstants {
  runsMs: number;
  deliveredMs: number;
  abandonedMs: number;
  now: string;
}

export function checkPruneOptions(options: PruneOptions): PruneInstants {
  instant('pruneHistory', 'now', options.now);
  return {
    runsMs: instant('pruneHistory', 'runsBefore', options.runsBefore),
    deliveredMs: instant('pruneHistory', 'deliveredBefore', options.deliveredBefore),
    abandonedMs: instant('pruneHistory', 'abandonedBefore', options.abandonedBefore),
    now: options.now,
  };
}

export const INTERRUPTED_MESSAGE = 'The process stopped mid-sync (killed, crashed or out of memory) and never finished this run; the next run retries.';

/**
 * A run whose process died: failed, finished when the pass noticed. durationMs
 * stays unset: how long the sync really ran is unknown.
 */
export function interruptedRun(run: SyncRun, now: string): SyncRun {
  return { ...run, status: 'failed', finishedAt: now, error: { code: 'KS_ERR_INTERRUPTED', message: INTERRUPTED_MESSAGE } };
}

/**
 * A delivered or silenced entry whose delivery (creation when deliveredAt is unset or
 * unreadable: a silenced entry never has one) and creation are before `ms`.
 */
export function deliveredBefore(entry: OutboxEntry, ms: number): boolean {
  if (entry.status !== 'delivered' && entry.status !== 'silenced') return false;
  const created = Date.parse(entry.createdAt);
  const delivered = entry.deliveredAt === undefined ? Number.NaN : Date.parse(entry.deliveredAt);
  return created < ms && (Number.isNaN(delivered) ? created : delivered) < ms;
}
