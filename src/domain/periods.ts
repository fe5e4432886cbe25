import { DateTime } from 'luxon';
import { assertZone, instantMs } from './instant.ts';
import { bucketIndex } from './period-buckets.ts';
import type { Interval } from './types.ts';

/**
 * Calendar periods in a KPI's time zone. A period is named by its start, written as ISO
 * with the zone's offset at that moment ('2026-03-30T00:00:00.000+02:00'; 'Z' for UTC).
 * Days start at local midnight (or the first wall time after it when midnight falls in a
 * DST gap), weeks on Monday (ISO weeks), quarters in January, April, July and October.
 * Every function throws a RangeError for an unknown zone or an unreadable instant.
 *
 * Instant arguments may be a Date, epoch ms, or ISO text; text without an offset is a wall
 * time in the zone (see instantMs).
 */

export type InstantInput = string | Date | number;

function toMs(instant: InstantInput, zone: string): number {
  let ms: number | undefined;
  if (typeof instant === 'number') ms = instant;
  else if (instant instanceof Date) ms = instant.getTime();
  else if (typeof instant === 'string') ms = instantMs(instant, zone);
  if (ms === undefined || !Number.isFinite(ms)) {
    const shown = typeof instant === 'string' ? JSON.stringify(instant.slice(0, 60)) : String(instant);
    throw new RangeError(`not a date or instant: ${shown}`);
  }
  return ms;
}

/** Start of the period containing `instant`, in `zone`. */
export function periodStart(instant: InstantInput, interval: Interval, zone: string): string {
  return bucketIndex(interval, zone).at(toMs(instant, zone)).iso;
}

/** Exclusive end of the period containing `periodStartIso`: the next period's start. */
export function periodEnd(periodStartIso: string, interval: Interval, zone: string): string {
  const index = bucketIndex(interval, zone);
  return index.at(index.at(toMs(periodStartIso, zone)).end).iso;
}

/** The period containing `now`, as [start, end). */
export function currentWindow(now: InstantInput, interval: Interval, zone: string): { start: string; end: string } {
  const index = bucketIndex(interval, zone);
  const bucket = index.at(toMs(now, zone));
  return { start: bucket.iso, end: index.at(bucket.end).iso };
}

/** Refuses ranges that are a mistake rather than a backfill: 100,000 days is 270 years. */
export const MAX_PERIODS = 100_000;

/** Start of every period that intersects [from, to), oldest first; empty when to <= from. */
export function periodsBetween(fromIso: string, toIso: string, interval: Interval, zone: string): string[] {
  const index = bucketIndex(interval, zone);
  const from = toMs(fromIso, zone);
  const to = toMs(toIso, zone);
  const out: string[] = [];
  for (let bucket = index.at(from); to > from && bucket.start < to; bucket = index.at(bucket.end)) {
    if (out.length >= MAX_PERIODS) throw new RangeError(`more than ${MAX_PERIODS} ${interval} periods between ${fromIso} and ${toIso}`);
    out.push(bucket.iso);
  }
  return out;
}

/** Start of the period before the one containing `periodStartIso`. */
export function previousPeriod(periodStartIso: string, interval: Interval, zone: string): string {
  const index = bucketIndex(interval, zone);
  return index.at(index.at(toMs(periodStartIso, zone)).start - 1).iso;
}

/**
 * How often a KPI syncs when its config names no schedule. A day's value moves all day
 * and people watch it, so every 15 minutes (96 calls a day per KPI, well inside the
 * daily API quotas of Salesforce, Jira and Intercom). A week's value matters by the
 * hour. Month and quarter values are read in reviews, so four times a day is fresh
 * enough and leaves the rate-limit budget to the short intervals.
 */
export function defaultSchedule(interval: Interval): string {
  switch (interval) {
    case 'day':
      return '*/15 * * * *';
    case 'week':
      return '0 * * * *';
    case 'month':
    case 'quarter':
      return '0 */6 * * *';
    default:
      throw new RangeError(`unknown interval "${String(interval)}"`);
  }
}

const DURATION_UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Milliseconds in '90m', '36h', '2d' or '1w'. Elapsed time, not calendar time: a day is
 * always 24 hours, whatever DST does. Throws a RangeError for any other text.
 */
export function parseDuration(text: string): number {
  const m = /^(\d{1,9})([mhdw])$/.exec(text);
  if (!m) throw new RangeError(`not a duration: ${JSON.stringify(text)} (expected a number and m, h, d or w, such as "90m", "36h", "2d", "1w")`);
  return Number(m[1]) * DURATION_UNIT_MS[m[2]!]!;
}

/** Longest calendar length of each interval (31-day months, 92-day quarters), ignoring the DST hour. */
const LONGEST_MS: Record<Interval, number> = {
  day: 86_400_000,
  week: 604_800_000,
  month: 31 * 86_400_000,
  quarter: 92 * 86_400_000,
};

/**
 * Staleness window when the config names none: two intervals, so one missed sync of a
 * slow source does not read as no_data. The longest month and quarter are used so a
 * short month never turns stale early.
 */
export function defaultStaleAfterMs(interval: Interval): number {
  const ms = LONGEST_MS[interval];
  if (ms === undefined) throw new RangeError(`unknown interval "${String(interval)}"`);
  return 2 * ms;
}

/**
 * Reads '2026-11-03', '2026-11-03T10:00:00' (also with a space, minutes only, or a
 * fraction), '2026-11-03T10:00:00Z' or '…+01:00'. Text without an offset is a wall time
 * in `zone`. Returns the instant as ISO with the zone's offset, or undefined when the
 * text is not such a date (including impossible dates like 2026-02-30).
 */
export function parseDateInZone(text: string, zone: string): string | undefined {
  assertZone(zone);
  const ms = instantMs(text, zone);
  if (ms === undefined) return undefined;
  return DateTime.fromMillis(ms, { zone }).toISO() ?? undefined;
}
