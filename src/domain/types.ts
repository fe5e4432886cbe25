/**
 * Plain shapes the pure domain works on. The config schemas (src/config) produce
 * objects that fit these; nothing here knows about files, stores or clocks.
 */

export type Interval = 'day' | 'week' | 'month' | 'quarter';
export type Aggregate = 'sum' | 'avg' | 'min' | 'max' | 'last' | 'count';
export type HealthState = 'ok' | 'warn' | 'critical' | 'no_data';
export type Direction = 'increase' | 'decrease' | 'maintain';
export type KrKind = 'committed' | 'aspirational';

/** A raw reading, as connectors return it (see src/sdk RawValue). */
export interface RawReading {
  value: number;
  at?: string;
  approximate?: boolean;
}

export interface NormalizeSpec {
  /** Multiply every raw value (e.g. 0.01 for cents → dollars, 100 for ratio → percent). */
  scale?: number;
  /** Decimal places to round the period value to. */
  round?: number;
  /** How several raw values in one period become one value. */
  aggregate?: Aggregate;
}

export interface Datapoint {
  kpi: string;
  /** Start of the period bucket, ISO 8601 with the KPI zone's offset. */
  period: string;
  value: number;
  /** Instant the value was read (ISO). */
  observedAt: string;
  /** Where it came from: connection id, or `formula`. */
  source: string;
  approximate?: boolean;
}

/**
 * A health band. `min`/`max` are the critical edges; `warnMin`/`warnMax` (inside them)
 * the warning edges. Either side may be absent, so "more is better", "less is better"
 * and optimum bands (LTV/CAC around 3) are all expressible.
 */
export interface Band {
  min?: number;
  max?: number;
  warnMin?: number;
  warnMax?: number;
}

export interface HealthPolicy {
  band: Band;
  /** To move to a better state the value must clear the edge by this much (absolute units). */
  hysteresis?: number;
  /** Consecutive datapoints in a new state before the transition happens. Default 1. */
  consecutive?: number;
}

/** Health of one KPI as remembered between evaluations. */
export interface HealthRecord {
  state: HealthState;
  /** The state the recent datapoints point to but which has not yet held `consecutive` times. */
  pendingState?: HealthState;
  pendingCount?: number;
  since: string;
  /** Period of the datapoint that was last evaluated. */
  lastPeriod?: string;
  lastValue?: number;
  /**
   * When a successful sync last evaluated it. Staleness reads this, not the run
   * history: runs are pruned and listed a page at a time, so a long failure streak
   * would otherwise hide the last success.
   */
  checkedAt?: string;
}

export interface HealthTransition {
  kpi: string;
  from: HealthState;
  to: HealthState;
  value?: number;
  period?: string;
  at: string;
}

export interface KrSpec {
  id: string;
  direction: Direction;
  start: number;
  target: number;
  /** For maintain KRs: the band the value must stay in. */
  band?: Band;
  startDate: string;
  dueDate: string;
  kind: KrKind;
}

export type TrackState = 'on_track' | 'at_risk' | 'off_track' | 'achieved';

export interface KrProgress {
  kr: string;
  value: number;
  /** 0..1 */
  progress: number;
  /** Where a straight line from start to due date says we should be today, 0..1. */
  expected: number;
  /** Committed KRs expect 1.0 by the due date; aspirational 0.7. */
  expectedAtDue: number;
  track: TrackState;
  at: string;
}
