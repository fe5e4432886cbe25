import { z } from 'zod';
import { parseDuration } from '../domain/periods.ts';
import { duration } from './primitives.ts';

/**
 * `settings.retention`: how long history is kept. kpi-sync runs for years, and every
 * sync stores a run record; without a bound the SQLite file and Redis only grow (and
 * Redis, on `noeviction`, eventually refuses writes). Both modes apply it: embedded
 * mode hourly in the `start` process, queue mode as a cluster-wide hourly pass.
 */

/** A duration of at least `min` (both as "90m", "36h", "2d", "1w"). */
function durationOfAtLeast(min: string, why: string) {
  const minMs = parseDuration(min);
  return duration.refine((text) => {
    // A text that is no duration at all already has the primitive's issue.
    if (!/^\d+[mhdw]$/.test(text)) return true;
    try {
      return parseDuration(text) >= minMs;
    } catch {
      return false; // more digits than any sane retention
    }
  }, `at least "${min}": ${why}`);
}

export const RETENTION_DEFAULTS = { runs: '30d', delivered: '30d', abandonAfter: '1h' } as const;

export const retentionSettingsSchema = z.strictObject({
  runs: durationOfAtLeast('1h', 'shorter would delete runs before anyone could look at them')
    .default(RETENTION_DEFAULTS.runs)
    .describe('Sync runs that started longer ago than this are deleted; the latest run of every KPI is always kept.'),
  delivered: durationOfAtLeast('1h', 'shorter would delete deliveries before anyone could look at them')
    .default(RETENTION_DEFAULTS.delivered)
    .describe('Delivered alerts and KR pushes are deleted this long after delivery. Pending, held, failed and dead entries are never deleted.'),
  abandonAfter: durationOfAtLeast('10m', 'shorter would mark syncs that are still running as interrupted')
    .default(RETENTION_DEFAULTS.abandonAfter)
    .describe('A run still `running` this long after it started is marked failed (KS_ERR_INTERRUPTED): its process died mid-sync.'),
});

export type RetentionSettingsConfig = z.infer<typeof retentionSettingsSchema>;
