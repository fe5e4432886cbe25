import type { Band, HealthState } from '../domain/types.ts';

/**
 * What the outbox stores for one alert and every destination renders: plain,
 * JSON-serialisable data, so an entry written before a crash is delivered unchanged
 * after it. Everything a reader needs is in here; destinations look nothing up.
 */
export interface AlertEvent {
  /**
   * Stable idempotency key, the same on every retry (the webhook's `webhook-id`).
   * Standard Webhooks signs `{id}.{timestamp}.{body}`, so it must not contain a `.`.
   */
  id: string;
  /**
   * A transition between health states, a reminder while a KPI stays in a bad state,
   * a KR push the sanity guard held (`suggestion` then says why and how to release it),
   * a sync refused by its data quality gate (`suggestion` says what was wrong),
   * or a test an operator sent with `kpi-sync alerts test` (never stored, never about a real KPI).
   */
  type: 'health.transition' | 'health.repeat' | 'push.held' | 'quality.failed' | 'alert.test';
  /** Only on `alert.test`: receivers can drop it without reading further. */
  test?: true;
  /** Only on `alert.test`: the machine that sent it. */
  host?: string;
  /** When the transition happened (ISO instant): not when this attempt is made. */
  createdAt: string;
  kpi: AlertKpi;
  /** Absent for no_data. */
  value?: number;
  /** Start of the period the value belongs to (ISO with offset). */
  period?: string;
  band?: Band;
  from: HealthState;
  to: HealthState;
  /** How far outside the (warn or critical) edge the value is, in the KPI's unit; 0 when inside. */
  distance?: number;
  /** Recent periods, oldest first (the last few are drawn as a sparkline). */
  trend: TrendPoint[];
  /** Set when the KPI breaches and no active KR tracks it: the KPI-becomes-KR idea. */
  suggestion?: string;
  /** Stable for one breach episode, from leaving ok until returning to it: PagerDuty's dedup_key (≤ 255 chars). */
  episode: string;
  /** Where a person can look at the KPI. */
  link?: string;
}

export interface AlertKpi {
  id: string;
  name: string;
  category: string;
  unit?: string;
  tags?: string[];
}

export interface TrendPoint {
  period: string;
  value: number;
}

/** The states that count as a breach: the only ones a KR suggestion is made for. */
export type BreachState = Extract<HealthState, 'warn' | 'critical'>;

export function isBreach(state: HealthState): state is BreachState {
  return state === 'warn' || state === 'critical';
}

/**
 * How far `value` lies beyond the band edge it crossed, in the KPI's unit: past a
 * critical edge (min/max) if it crossed one, else past a warn edge, else 0. Always
 * non-negative, so "2.5 above max" and "2.5 below min" read the same way.
 */
export function distanceOutside(band: Band, value: number): number {
  const { min, max, warnMin, warnMax } = band;
  if (min !== undefined && value < min) return tidy(min - value);
  if (max !== undefined && value > max) return tidy(value - max);
  if (warnMin !== undefined && value < warnMin) return tidy(warnMin - value);
  if (warnMax !== undefined && value > warnMax) return tidy(value - warnMax);
  return 0;
}

/** Which edge `value` is beyond, for wording ("above max"); undefined inside the band. */
export function edgeCrossed(band: Band, value: number): 'min' | 'max' | 'warnMin' | 'warnMax' | undefined {
  const { min, max, warnMin, warnMax } = band;
  if (min !== undefined && value < min) return 'min';
  if (max !== undefined && value > max) return 'max';
  if (warnMin !== undefined && value < warnMin) return 'warnMin';
  if (warnMax !== undefined && value > warnMax) return 'warnMax';
  return undefined;
}

/**
 * The nudge an alert carries when a KPI breaches and no active KR tracks it: churn is
 * a KPI while healthy, and a team takes it on as a KR for a quarter when it is not.
 */
export function krSuggestion(kpiName: string, to: BreachState): string {
  const state = to === 'critical' ? 'critical' : 'in warning';
  return `${kpiName} is ${state} and no Key Result tracks it: consider taking it on as a KR for this quarter.`;
}

/**
 * Differences of decimals carry binary noise (5.3 − 5 = 0.2999999999999998); 12
 * significant digits is far beyond what any KPI is measured to, and removes it.
 */
function tidy(difference: number): number {
  return Number(difference.toPrecision(12));
}
