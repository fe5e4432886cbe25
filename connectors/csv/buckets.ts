import { DateTime } from 'luxon';
import type { Interval } from '../../src/sdk/index.ts';

/**
 * Maps rows to KPI periods without asking `periodOf` (luxon, microseconds) per row.
 * A local date's period depends only on the date (intervals are a day or longer), so
 * the dates the last period spans are kept as a range, and every date seen in a map.
 * An instant is checked against the range of the period the previous instant fell in,
 * then against every period seen so far, and only then handed to `periodOf`.
 */
export class PeriodBuckets<S> {
  private readonly periodOf: (instant: string | Date) => string;
  private readonly interval: Interval;
  private readonly zone: string;
  private readonly create: (period: string) => S;
  private readonly byPeriod = new Map<string, S>();
  private readonly byDate = new Map<number, S>();
  /** The local dates [localStart, localEnd) of the period last computed, as yyyymmdd. */
  private localStart = 0;
  private localEnd = 0;
  private localState: S | undefined;
  /** Known instant ranges [start, end), sorted by start. */
  private readonly ranges: Array<{ start: number; end: number; state: S }> = [];
  private current: { start: number; end: number; state: S } | undefined;

  constructor(periodOf: (instant: string | Date) => string, interval: Interval, zone: string, create: (period: string) => S) {
    this.periodOf = periodOf;
    this.interval = interval;
    this.zone = zone;
    this.create = create;
  }

  /** The state of the period containing local date `dateKey` (yyyymmdd). */
  forLocalDate(dateKey: number): S {
    // yyyymmdd numbers sort like the dates, so a period is a range of them.
    if (dateKey >= this.localStart && dateKey < this.localEnd) return this.localState as S;
    let state = this.byDate.get(dateKey);
    if (state === undefined) {
      const year = Math.floor(dateKey / 10000);
      const month = Math.floor(dateKey / 100) % 100;
      const day = dateKey % 100;
      const text = `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
      const period = this.periodOf(text);
      state = this.forPeriod(period);
      this.byDate.set(dateKey, state);
      const start = DateTime.fromISO(period, { zone: this.zone });
      const end = start.plus({ [this.interval]: 1 });
      const startKey = start.year * 10000 + start.month * 100 + start.day;
      const endKey = end.year * 10000 + end.month * 100 + end.day;
      // Trust the range only when it agrees with periodOf's answer for this date.
      if (start.isValid && dateKey >= startKey && dateKey < endKey) {
        this.localStart = startKey;
        this.localEnd = endKey;
        this.localState = state;
      }
    }
    return state;
  }

  /** The state of the period containing epoch ms `ms`. */
  forInstant(ms: number): S {
    const current = this.current;
    if (current !== undefined && ms >= current.start && ms < current.end) return current.state;
    const ranges = this.ranges;
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const range = ranges[mid]!;
      if (ms < range.start) hi = mid - 1;
      else if (ms >= range.end) lo = mid + 1;
      else {
        this.current = range;
        return range.state;
      }
    }
    const period = this.periodOf(new Date(ms));
    const state = this.forPeriod(period);
    const start = Date.parse(period);
    const end = DateTime.fromISO(period, { zone: this.zone })
      .plus({ [this.interval]: 1 })
      .toMillis();
    // Cache the range only when it is consistent with periodOf's answer.
    if (ms >= start && ms < end) {
      const range = { start, end, state };
      ranges.splice(lo, 0, range);
      this.current = range;
    }
    return state;
  }

  /** Periods seen so far, oldest first. */
  entries(): Array<[period: string, state: S]> {
    return [...this.byPeriod.entries()].sort((a, b) => Date.parse(a[0]) - Date.parse(b[0]));
  }

  private forPeriod(period: string): S {
    let state = this.byPeriod.get(period);
    if (state === undefined) {
      state = this.create(period);
      this.byPeriod.set(period, state);
    }
    return state;
  }
}
