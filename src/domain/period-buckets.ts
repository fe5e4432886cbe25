import { DateTime } from 'luxon';
import { assertZone } from './instant.ts';
import type { Interval } from './types.ts';

/** One period of a zone's calendar: [start, end) in epoch ms, and its start as ISO with offset. */
export interface PeriodBucket {
  readonly start: number;
  readonly end: number;
  readonly iso: string;
}

const STEP = { day: { days: 1 }, week: { weeks: 1 }, month: { months: 1 }, quarter: { quarters: 1 } } as const;
/** A little over the longest length of each period, to tell "the next bucket" from "far ahead". */
const LONGEST_MS = { day: 26 * 3_600_000, week: 170 * 3_600_000, month: 32 * 86_400_000, quarter: 93 * 86_400_000 } as const;

/** Enough for decades of daily periods; past it the index starts over rather than grow without bound. */
const MAX_BUCKETS = 50_000;
const MAX_INDEXES = 1_000;

/**
 * The periods of one (interval, zone) seen so far, sorted by start. Luxon computes each
 * bucket once (start of the period containing an instant, next period's start as the
 * end); after that an instant finds its bucket by comparing numbers. This memo is what
 * keeps normalize fast; the answers are the same as calling luxon every time.
 */
export class BucketIndex {
  readonly interval: Interval;
  readonly zone: string;
  private starts: number[] = [];
  private buckets: PeriodBucket[] = [];
  private last: PeriodBucket | undefined;
  /** Position of `last` in `buckets`. */
  private lastIndex = -1;
  /** Start of the period after the last one computed. */
  private nextStart: DateTime | undefined;
  private nextStartMs = Number.NaN;

  constructor(interval: Interval, zone: string) {
    assertZone(zone);
    if (!Object.hasOwn(STEP, interval)) throw new RangeError(`unknown interval "${String(interval)}"`);
    this.interval = interval;
    this.zone = zone;
  }

  /** The bucket containing the instant `ms`. */
  at(ms: number): PeriodBucket {
    const last = this.last;
    if (last !== undefined) {
      if (ms >= last.start && ms < last.end) return last;
      // Readings mostly arrive in time order: try the bucket after the last one first.
      const next = this.buckets[this.lastIndex + 1];
      if (next !== undefined && ms >= next.start && ms < next.end) {
        this.lastIndex++;
        return (this.last = next);
      }
    }
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= ms) lo = mid + 1;
      else hi = mid;
    }
    const candidate = lo > 0 ? this.buckets[lo - 1]! : undefined;
    if (candidate !== undefined && ms < candidate.end) {
      this.lastIndex = lo - 1;
      return (this.last = candidate);
    }
    const bucket = this.compute(ms);
    if (starts.length >= MAX_BUCKETS) {
      this.starts = [bucket.start];
      this.buckets = [bucket];
      this.lastIndex = 0;
    } else {
      starts.splice(lo, 0, bucket.start);
      this.buckets.splice(lo, 0, bucket);
      this.lastIndex = lo;
    }
    return (this.last = bucket);
  }

  private compute(ms: number): PeriodBucket {
    if (!Number.isFinite(ms)) throw new RangeError(`not an instant: ${ms}`);
    // Buckets are mostly needed in time order, and the last one computed already knows
    // where the next starts: reusing that DateTime halves the luxon work per bucket.
    const chained = this.nextStart;
    if (chained !== undefined && ms >= this.nextStartMs && ms - this.nextStartMs < LONGEST_MS[this.interval]) {
      const end = this.endOf(chained);
      const endMs = end.toMillis();
      if (ms < endMs) return this.remember(chained, this.nextStartMs, end, endMs);
    }
    const start = DateTime.fromMillis(ms, { zone: this.zone }).startOf(this.interval);
    if (!start.isValid) throw new RangeError(`instant ${ms} is outside the supported range`);
    const end = this.endOf(start);
    return this.remember(start, start.toMillis(), end, end.toMillis());
  }

  private endOf(start: DateTime): DateTime {
    const next = start.plus(STEP[this.interval]);
    // plus() keeps the wall time, so a period that starts late because its midnight fell
    // in a DST gap (America/Havana's spring-forward day starts at 01:00) would carry 01:00
    // into the next period: snap to that period's real start unless already at midnight.
    if (next.hour === 0 && next.minute === 0 && next.second === 0 && next.millisecond === 0) return next;
    return next.startOf(this.interval);
  }

  private remember(start: DateTime, startMs: number, end: DateTime, endMs: number): PeriodBucket {
    this.nextStart = end;
    this.nextStartMs = endMs;
    return { start: startMs, end: endMs, iso: start.toISO()! };
  }
}

const indexes = new Map<string, BucketIndex>();

/** The shared index for an interval and zone; throws a RangeError for an unknown zone or interval. */
export function bucketIndex(interval: Interval, zone: string): BucketIndex {
  const key = `${interval}|${zone}`;
  let index = indexes.get(key);
  if (index === undefined) {
    index = new BucketIndex(interval, zone);
    if (indexes.size >= MAX_INDEXES) indexes.clear();
    indexes.set(key, index);
  }
  return index;
}
