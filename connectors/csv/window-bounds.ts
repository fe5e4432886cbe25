import { DateTime } from 'luxon';
import type { SyncWindow } from '../../src/sdk/index.ts';
import { daysFromCivil } from './dates.ts';

function inZone(iso: string, zone: string): DateTime {
  const t = DateTime.fromISO(iso, { zone });
  if (!t.isValid) throw new RangeError(`window bound is not an ISO instant: ${JSON.stringify(iso)}`);
  return t;
}

/** Wall-clock time of an instant in `zone`, as ms "as if UTC": comparable with local wall-time cells. */
function wallMs(iso: string, zone: string): number {
  const t = inZone(iso, zone);
  return daysFromCivil(t.year, t.month, t.day) * 86_400_000 + t.hour * 3_600_000 + t.minute * 60_000 + t.second * 1000 + t.millisecond;
}

/**
 * The first local date (yyyymmdd) whose day starts at or after the instant `iso`. Date
 * cells are compared with these rather than with wall times: where midnight falls in a
 * DST gap, the day (and a period starting on it) begins at 01:00.
 */
function firstDayFrom(iso: string, zone: string): number {
  const t = inZone(iso, zone);
  const day = t.startOf('day').toMillis() === t.toMillis() ? t : t.plus({ days: 1 });
  return day.year * 10000 + day.month * 100 + day.day;
}

/**
 * The sync window as the three kinds of date cell compare with it: instants with
 * epoch ms, local wall times with wall ms, local dates with yyyymmdd keys. Each range
 * is [start, end). Computed once per query, read on every row.
 */
export class WindowBounds {
  readonly startMs: number;
  readonly endMs: number;
  readonly wallStart: number;
  readonly wallEnd: number;
  readonly firstDay: number;
  readonly endDay: number;

  constructor(window: SyncWindow) {
    this.startMs = Date.parse(window.start);
    this.endMs = Date.parse(window.end);
    if (Number.isNaN(this.startMs) || Number.isNaN(this.endMs)) throw new RangeError(`unreadable sync window ${window.start} – ${window.end}`);
    this.wallStart = wallMs(window.start, window.timeZone);
    this.wallEnd = wallMs(window.end, window.timeZone);
    this.firstDay = firstDayFrom(window.start, window.timeZone);
    this.endDay = firstDayFrom(window.end, window.timeZone);
  }
}
