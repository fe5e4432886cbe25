import { instantMs } from './instant.ts';
import type { Band, HealthPolicy, HealthRecord, HealthState } from './types.ts';

/** A band classification: health without `no_data`. */
export type BandState = 'ok' | 'warn' | 'critical';

/** A health state change, as evaluateHealth and evaluateStaleness report it. */
export interface StateChange {
  from: HealthState;
  to: HealthState;
}

export interface HealthEvaluation {
  record: HealthRecord;
  /** Present only when `record.state` differs from the previous state. */
  transition?: StateChange;
}

const RANK: Record<BandState, number> = { ok: 0, warn: 1, critical: 2 };

function rawClass(band: Band, value: number, margin: number): BandState {
  const { min, max, warnMin, warnMax } = band;
  // With a margin, an edge moves inwards, but never past the middle of its pair: a band
  // narrower than twice the hysteresis keeps its centre reachable.
  let lo = min;
  let hi = max;
  let wlo = warnMin;
  let whi = warnMax;
  if (margin > 0) {
    if (lo !== undefined) lo = hi !== undefined ? Math.min(lo + margin, (lo + hi) / 2) : lo + margin;
    if (hi !== undefined) hi = min !== undefined ? Math.max(hi - margin, (min + hi) / 2) : hi - margin;
    if (wlo !== undefined) wlo = whi !== undefined ? Math.min(wlo + margin, (wlo + whi) / 2) : wlo + margin;
    if (whi !== undefined) whi = warnMin !== undefined ? Math.max(whi - margin, (warnMin + whi) / 2) : whi - margin;
  }
  if ((lo !== undefined && value < lo) || (hi !== undefined && value > hi)) return 'critical';
  if ((wlo !== undefined && value < wlo) || (whi !== undefined && value > whi)) return 'warn';
  return 'ok';
}

/**
 * Where `value` sits in `band`: critical outside [min, max], warn outside [warnMin, warnMax]
 * but inside [min, max], ok otherwise; edges themselves are ok (value == max is ok).
 *
 * Hysteresis: moving to a *better* state than `current` needs the value to clear the edge
 * by `hysteresis` (max 7.5, hysteresis 0.5: critical at 7.6 stays critical at 7.2 and is
 * ok at 7.0 or below). The margin applies to every edge of the better zone, so in an
 * optimum band a value must sit `hysteresis` inside both of its edges; a zone narrower
 * than twice the margin keeps its middle reachable. Moving to a worse state needs no
 * margin. Throws a RangeError for NaN.
 */
export function classify(band: Band, value: number, current?: HealthState, hysteresis = 0): BandState {
  if (Number.isNaN(value)) throw new RangeError('cannot classify NaN');
  const plain = rawClass(band, value, 0);
  if (hysteresis <= 0 || current === undefined || current === 'no_data' || RANK[plain] >= RANK[current]) return plain;
  const strict = rawClass(band, value, hysteresis);
  return RANK[strict] < RANK[current] ? strict : current;
}

/**
 * Health after one datapoint. A new state must be seen on `consecutive` distinct periods
 * in a row before it replaces the current one; until then it is `pendingState` with
 * `pendingCount`. Re-observing the period last evaluated (an open period synced again)
 * replaces that period's vote instead of adding one. Periods are compared as the exact
 * strings periodStart produces; any other period counts as a new one, whatever its date.
 *
 * From `no_data` (and on the very first evaluation) the classification applies at once:
 * there is no earlier state worth protecting from a flap, and waiting would leave a KPI
 * that has data showing none. Hysteresis likewise applies only between band states.
 * `at` is the evaluation time, recorded as `since` when the state changes.
 */
export function evaluateHealth(
  policy: HealthPolicy,
  previous: HealthRecord | undefined,
  point: { value: number; period: string },
  at: string,
): HealthEvaluation {
  const needed = Math.max(1, policy.consecutive ?? 1);
  const from: HealthState = previous === undefined ? 'no_data' : previous.state;
  const seen = classify(policy.band, point.value, from, policy.hysteresis ?? 0);

  if (previous === undefined || from === 'no_data') return changed(from, seen, point, at);
  if (seen === from) return { record: { state: from, since: previous.since, lastPeriod: point.period, lastValue: point.value, checkedAt: at } };

  const samePeriod = previous.lastPeriod === point.period;
  let count = 1;
  if (seen === previous.pendingState) count = samePeriod ? (previous.pendingCount ?? 1) : (previous.pendingCount ?? 0) + 1;
  if (count >= needed) return changed(from, seen, point, at);
  return {
    record: { state: from, since: previous.since, pendingState: seen, pendingCount: count, lastPeriod: point.period, lastValue: point.value, checkedAt: at },
  };
}

function changed(from: HealthState, to: HealthState, point: { value: number; period: string }, at: string): HealthEvaluation {
  const record: HealthRecord = { state: to, since: at, lastPeriod: point.period, lastValue: point.value, checkedAt: at };
  return from === to ? { record } : { record, transition: { from, to } };
}

/**
 * `no_data` once a KPI has had no successful sync for `staleAfterMs` (an elapsed time of
 * exactly `staleAfterMs` counts as stale): neither `lastSuccessAt` (the newest ok run
 * the caller found) nor the record's own `checkedAt` is that recent. Both undefined
 * means none ever.
 * Returns undefined when nothing changes: the KPI is fresh (recovery is the next
 * evaluateHealth's job) or already `no_data` (a KPI never evaluated is `no_data` too).
 * The stale record keeps the last period and value for display.
 */
export function evaluateStaleness(
  previous: HealthRecord | undefined,
  lastSuccessAt: string | undefined,
  now: string,
  staleAfterMs: number,
): HealthEvaluation | undefined {
  if (previous === undefined || previous.state === 'no_data') return undefined;
  const nowMs = instantMs(now, 'UTC');
  if (nowMs === undefined) throw new RangeError(`now is not an instant: ${JSON.stringify(now)}`);
  // The record's checkedAt is the last successful sync that evaluated it: it still
  // counts when the run history no longer shows that success (pruned, or past a page).
  for (const success of [lastSuccessAt, previous.checkedAt]) {
    if (success === undefined) continue;
    const lastMs = instantMs(success, 'UTC');
    if (lastMs === undefined) throw new RangeError(`lastSuccessAt is not an instant: ${JSON.stringify(success)}`);
    if (nowMs - lastMs < staleAfterMs) return undefined;
  }
  const record: HealthRecord = { state: 'no_data', since: now };
  if (previous.lastPeriod !== undefined) record.lastPeriod = previous.lastPeriod;
  if (previous.lastValue !== undefined) record.lastValue = previous.lastValue;
  if (previous.checkedAt !== undefined) record.checkedAt = previous.checkedAt;
  return { record, transition: { from: previous.state, to: 'no_data' } };
}
