import { DateTime } from 'luxon';
import { ConfigError, type SyncWindow } from '../../src/sdk/index.ts';
import type { Period } from './soql.ts';

const STEP = { day: { days: 1 }, week: { weeks: 1 }, month: { months: 1 }, quarter: { quarters: 1 } } as const;

/**
 * The KPI periods a window spans, oldest first, keeping only the `max` most recent:
 * a backfill with no start date spans every period since 1970, and each period costs
 * one query. `periodOf` is the runner's own bucketing, so the boundaries match the
 * datapoints it will store. `skipped` counts the older periods left out.
 */
export function periodsIn(window: SyncWindow, periodOf: (instant: string) => string, max: number): { periods: Period[]; skipped: number } {
  const endMs = Date.parse(window.end);
  const starts: string[] = [];
  let current = periodOf(window.start);
  while (Date.parse(current) < endMs) {
    starts.push(current);
    const next = DateTime.fromISO(current, { zone: window.timeZone }).plus(STEP[window.interval]);
    const nextStart = periodOf(next.toISO() ?? '');
    if (Date.parse(nextStart) <= Date.parse(current)) {
      throw new ConfigError(`period after ${current} does not advance (${nextStart}); check the KPI's interval and time zone`);
    }
    current = nextStart;
  }
  // After the loop `current` is the start of the period after the last one: the last end.
  const bounds = [...starts, current];
  const first = Math.max(0, starts.length - max);
  const periods: Period[] = [];
  for (let i = first; i < starts.length; i += 1) periods.push({ start: bounds[i] as string, end: bounds[i + 1] as string });
  return { periods, skipped: first };
}
