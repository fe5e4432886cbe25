/**
 * The instants a retention pass prunes against, from `settings.retention` and now.
 * Pure: the caller passes the clock.
 */

import { parseDuration } from './periods.ts';

/** `settings.retention`, as durations such as "30d", "1h". */
export interface RetentionWindows {
  runs: string;
  delivered: string;
  abandonAfter: string;
}

/** ISO instants (UTC); each is `now` minus the matching window. */
export interface RetentionCutoffs {
  /** Sync runs that started before this are deleted (the latest of each KPI is kept). */
  runsBefore: string;
  /** Delivered outbox entries delivered before this are deleted. */
  deliveredBefore: string;
  /** Runs still `running` that started before this are marked interrupted. */
  abandonedBefore: string;
  now: string;
}

/** Throws a RangeError for a window that is not a duration (the config schema rejects those first). */
export function retentionCutoffs(windows: RetentionWindows, now: Date): RetentionCutoffs {
  const nowMs = now.getTime();
  if (Number.isNaN(nowMs)) throw new RangeError('retentionCutoffs: now is an invalid Date');
  const before = (window: string) => new Date(nowMs - parseDuration(window)).toISOString();
  return {
    runsBefore: before(windows.runs),
    deliveredBefore: before(windows.delivered),
    abandonedBefore: before(windows.abandonAfter),
    now: now.toISOString(),
  };
}
