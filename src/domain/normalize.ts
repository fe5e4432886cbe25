import { instantMs } from './instant.ts';
import { bucketIndex, type PeriodBucket } from './period-buckets.ts';
import { roundHalfAwayFromZero } from './rounding.ts';
import type { Aggregate, Datapoint, Interval, NormalizeSpec, RawReading } from './types.ts';

export interface NormalizeInput {
  kpi: string;
  source: string;
  /** When the readings were taken (ISO); copied to every datapoint. */
  observedAt: string;
  interval: Interval;
  timeZone: string;
  /** Period for readings without `at`: normally the sync window's start. Any instant in the period will do. */
  defaultPeriod: string;
  spec?: NormalizeSpec;
  raw: RawReading[];
}

export interface NormalizeResult {
  /** One per period that had at least one usable reading, oldest first. */
  datapoints: Datapoint[];
  /** Readings (by index in `raw`) that could not be used, and why. */
  dropped: { index: number; reason: string }[];
}

/**
 * Running state of every period's readings, one slot per period, kept in typed arrays
 * rather than one object per period: this is the hot path, and boxed doubles in objects
 * cost an allocation each. The arrays are reused from call to call (normalize never
 * re-enters itself) and grow to the largest batch seen; a slot is reset when taken.
 * Every aggregate is kept so one pass serves all.
 */
class Groups {
  buckets: PeriodBucket[] = [];
  count = new Float64Array(0);
  sum = new Float64Array(0);
  /** Neumaier compensation, so a thousand 0.1s sum to 100 rather than 99.9999999999986. */
  carry = new Float64Array(0);
  min = new Float64Array(0);
  max = new Float64Array(0);
  lastMs = new Float64Array(0);
  lastValue = new Float64Array(0);
  firstIndex = new Float64Array(0);
  approximate = new Uint8Array(0);

  /** Empties the slots and makes room for `capacity` periods (one per reading at most). */
  reset(capacity: number): void {
    this.buckets = [];
    if (this.count.length >= capacity) return;
    const size = Math.max(capacity, Math.min(this.count.length * 2, SHARED_CAPACITY), 64);
    this.count = new Float64Array(size);
    this.sum = new Float64Array(size);
    this.carry = new Float64Array(size);
    this.min = new Float64Array(size);
    this.max = new Float64Array(size);
    this.lastMs = new Float64Array(size);
    this.lastValue = new Float64Array(size);
    this.firstIndex = new Float64Array(size);
    this.approximate = new Uint8Array(size);
  }

  add(bucket: PeriodBucket, firstIndex: number): number {
    const g = this.buckets.length;
    this.buckets.push(bucket);
    this.count[g] = 0;
    this.sum[g] = 0;
    this.carry[g] = 0;
    this.min[g] = Infinity;
    this.max[g] = -Infinity;
    this.lastMs[g] = -Infinity;
    this.lastValue[g] = 0;
    this.firstIndex[g] = firstIndex;
    this.approximate[g] = 0;
    return g;
  }

  value(g: number, aggregate: Aggregate): number {
    switch (aggregate) {
      case 'sum':
        return this.sum[g]! + this.carry[g]!;
      case 'avg':
        return (this.sum[g]! + this.carry[g]!) / this.count[g]!;
      case 'min':
        return this.min[g]!;
      case 'max':
        return this.max[g]!;
      case 'count':
        return this.count[g]!;
      case 'last':
        return this.lastValue[g]!;
    }
  }
}

const sharedGroups = new Groups();
/** Above this many readings a call gets its own arrays, so one huge backfill does not pin memory. */
const SHARED_CAPACITY = 65_536;

const AGGREGATES: ReadonlySet<string> = new Set<Aggregate>(['sum', 'avg', 'min', 'max', 'last', 'count']);

/**
 * Raw readings → one datapoint per period. Each reading goes to the period containing
 * its `at` (or `defaultPeriod` without one); each period's readings are aggregated
 * (default `last`), then multiplied by `scale`, then rounded half away from zero to
 * `round` places. `last` takes the reading with the latest `at`, a later position in
 * `raw` winning ties; a reading without `at` counts as read at `observedAt`. `count`
 * counts the usable readings. A datapoint is approximate when any of its readings was.
 *
 * Bad readings (a value that is not a finite number, an unreadable `at`) are dropped with
 * a reason naming them, and so is a period whose result is not finite; nothing throws
 * on bad data. An unknown zone, interval or aggregate, or an unreadable `defaultPeriod`
 * when it is needed, is a caller error and throws a RangeError.
 */
export function normalize(input: NormalizeInput): NormalizeResult {
  const { raw, spec } = input;
  const aggregate = spec?.aggregate ?? 'last';
  if (!AGGREGATES.has(aggregate)) throw new RangeError(`unknown aggregate "${String(aggregate)}"`);
  const index = bucketIndex(input.interval, input.timeZone);
  const zone = input.timeZone;
  const dropped: { index: number; reason: string }[] = [];
  const groups = raw.length <= SHARED_CAPACITY ? sharedGroups : new Groups();
  groups.reset(raw.length);
  const { count, sum, carry, min, max, lastMs, lastValue, approximate } = groups;
  /** Period start → slot; only built once readings go back in time. */
  let byStart: Map<number, number> | undefined;
  let latestStart = -Infinity;
  let inOrder = true;
  // The current period, as plain numbers, so readings inside it skip every lookup.
  let g = -1;
  let curStart = Infinity;
  let curEnd = -Infinity;
  let defaultSlot = -1;
  let observedMs = Number.NaN;

  const slotFor = (bucket: PeriodBucket, i: number): number => {
    if (bucket.start > latestStart) {
      latestStart = bucket.start;
      const slot = groups.add(bucket, i);
      byStart?.set(bucket.start, slot);
      return slot;
    }
    if (byStart === undefined) {
      byStart = new Map();
      for (let k = 0; k < groups.buckets.length; k++) byStart.set(groups.buckets[k]!.start, k);
    }
    let slot = byStart.get(bucket.start);
    if (slot === undefined) {
      slot = groups.add(bucket, i);
      inOrder = false;
      byStart.set(bucket.start, slot);
    }
    return slot;
  };

  for (let i = 0; i < raw.length; i++) {
    const reading = raw[i]!;
    const value = reading.value;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      dropped.push({ index: i, reason: `value ${describe(value)} is not a finite number` });
      continue;
    }
    const at = reading.at;
    let ms: number;
    if (at === undefined || at === null) {
      if (Number.isNaN(observedMs)) observedMs = instantMs(input.observedAt, zone) ?? Infinity;
      ms = observedMs;
      if (defaultSlot < 0) {
        const defaultMs = instantMs(input.defaultPeriod, zone);
        if (defaultMs === undefined) throw new RangeError(`defaultPeriod is not a date: ${JSON.stringify(input.defaultPeriod)}`);
        defaultSlot = slotFor(index.at(defaultMs), i);
      }
      g = defaultSlot;
      curStart = Infinity;
      curEnd = -Infinity;
    } else {
      const parsed = typeof at === 'string' ? instantMs(at, zone) : undefined;
      if (parsed === undefined) {
        dropped.push({ index: i, reason: `"at" ${describe(at)} is not an ISO date or date-time` });
        continue;
      }
      ms = parsed;
      if (ms < curStart || ms >= curEnd) {
        const bucket = index.at(ms);
        g = slotFor(bucket, i);
        curStart = bucket.start;
        curEnd = bucket.end;
      }
    }

    count[g]!++;
    const total = sum[g]!;
    const next = total + value;
    carry[g]! += Math.abs(total) >= Math.abs(value) ? total - next + value : value - next + total;
    sum[g] = next;
    if (value < min[g]!) min[g] = value;
    if (value > max[g]!) max[g] = value;
    if (ms >= lastMs[g]!) {
      lastMs[g] = ms;
      lastValue[g] = value;
    }
    if (reading.approximate === true) approximate[g] = 1;
  }

  const order = groups.buckets.map((_, k) => k);
  if (!inOrder) order.sort((a, b) => groups.buckets[a]!.start - groups.buckets[b]!.start);
  const scale = spec?.scale;
  const places = spec?.round;
  const datapoints: Datapoint[] = [];
  for (const k of order) {
    const bucket = groups.buckets[k]!;
    let value = groups.value(k, aggregate);
    if (scale !== undefined) value *= scale;
    if (!Number.isFinite(value)) {
      dropped.push({ index: groups.firstIndex[k]!, reason: `${aggregate} of the ${count[k]} value(s) for period ${bucket.iso} is not finite` });
      continue;
    }
    if (places !== undefined) value = roundHalfAwayFromZero(value, places);
    const point: Datapoint = { kpi: input.kpi, period: bucket.iso, value, observedAt: input.observedAt, source: input.source };
    if (approximate[k] === 1) point.approximate = true;
    datapoints.push(point);
  }
  if (dropped.length > 1) dropped.sort((a, b) => a.index - b.index);
  return { datapoints, dropped };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number') return String(value);
  return value === null ? 'null' : typeof value;
}
