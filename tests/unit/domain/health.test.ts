import { describe, expect, it } from 'vitest';
import { classify, evaluateHealth, evaluateStaleness } from '../../../src/domain/health.ts';
import type { Band, HealthPolicy, HealthRecord, HealthState } from '../../../src/domain/types.ts';

const CHURN: Band = { max: 7.5 }; // less is better
const LTV_CAC: Band = { min: 1, warnMin: 2.5, warnMax: 4, max: 6 }; // an optimum band
const day = (n: number): string => `2026-03-${String(n).padStart(2, '0')}T00:00:00.000+01:00`;
const at = (n: number): string => `2026-03-${String(n).padStart(2, '0')}T12:00:00.000Z`;

/** Feeds one value per day through evaluateHealth and returns the transitions in order. */
function run(policy: HealthPolicy, series: number[], start?: HealthRecord): { record: HealthRecord | undefined; transitions: string[] } {
  let record = start;
  const transitions: string[] = [];
  series.forEach((value, i) => {
    const result = evaluateHealth(policy, record, { value, period: day(i + 1) }, at(i + 1));
    if (result.transition) transitions.push(`${result.transition.from}→${result.transition.to}@${value}`);
    record = result.record;
  });
  return { record, transitions };
}

describe('classify', () => {
  it('less is better: critical above max, edges inclusive', () => {
    expect(classify(CHURN, 3)).toBe('ok');
    expect(classify(CHURN, 7.5)).toBe('ok');
    expect(classify(CHURN, 7.51)).toBe('critical');
    expect(classify(CHURN, -1000)).toBe('ok');
  });

  it('optimum band: critical outside min/max, warn outside warnMin/warnMax', () => {
    expect(classify(LTV_CAC, 0.9)).toBe('critical');
    expect(classify(LTV_CAC, 1)).toBe('warn');
    expect(classify(LTV_CAC, 2.49)).toBe('warn');
    expect(classify(LTV_CAC, 2.5)).toBe('ok');
    expect(classify(LTV_CAC, 3)).toBe('ok');
    expect(classify(LTV_CAC, 4)).toBe('ok');
    expect(classify(LTV_CAC, 4.01)).toBe('warn');
    expect(classify(LTV_CAC, 6)).toBe('warn');
    expect(classify(LTV_CAC, 6.01)).toBe('critical');
    expect(classify(LTV_CAC, Number.POSITIVE_INFINITY)).toBe('critical');
  });

  it('more is better with only a warn edge', () => {
    expect(classify({ warnMin: 100 }, 99)).toBe('warn');
    expect(classify({ warnMin: 100 }, 100)).toBe('ok');
    expect(classify({ min: 50, warnMin: 100 }, 49)).toBe('critical');
  });

  it('needs the hysteresis margin to improve, none to worsen', () => {
    expect(classify(CHURN, 7.6, 'ok', 0.5)).toBe('critical');
    expect(classify(CHURN, 7.2, 'critical', 0.5)).toBe('critical');
    expect(classify(CHURN, 7.0, 'critical', 0.5)).toBe('ok');
    expect(classify(CHURN, 6.9, 'critical', 0.5)).toBe('ok');
    expect(classify(CHURN, 7.2, 'ok', 0.5)).toBe('ok');
    expect(classify(CHURN, 7.2, 'no_data', 0.5)).toBe('ok');
  });

  it('improves step by step when only some edges are cleared', () => {
    const band: Band = { warnMax: 7.5, max: 10 };
    expect(classify(band, 9.7, 'critical', 0.5)).toBe('critical');
    expect(classify(band, 9.2, 'critical', 0.5)).toBe('warn');
    expect(classify(band, 7.2, 'critical', 0.5)).toBe('warn');
    expect(classify(band, 6.9, 'critical', 0.5)).toBe('ok');
    expect(classify(band, 7.2, 'warn', 0.5)).toBe('warn');
    expect(classify(LTV_CAC, 2.7, 'warn', 0.5)).toBe('warn');
    expect(classify(LTV_CAC, 3.0, 'warn', 0.5)).toBe('ok');
    expect(classify(LTV_CAC, 3.2, 'critical', 0.5)).toBe('ok');
  });

  it('asks for the margin from every edge of the better zone, on both sides of an optimum band', () => {
    // Coming up from below, 3.6 is within 0.5 of warnMax (4): not clear of the ok zone yet.
    expect(classify(LTV_CAC, 3.6, 'warn', 0.5)).toBe('warn');
    expect(classify(LTV_CAC, 3.5, 'warn', 0.5)).toBe('ok');
    expect(classify(LTV_CAC, 5.6, 'critical', 0.5)).toBe('critical');
    expect(classify(LTV_CAC, 5.4, 'critical', 0.5)).toBe('warn');
    expect(classify(LTV_CAC, 1.4, 'critical', 0.5)).toBe('critical');
    expect(classify(LTV_CAC, 1.6, 'critical', 0.5)).toBe('warn');
  });

  it('never makes the state worse because of hysteresis, and keeps a narrow band reachable', () => {
    const narrow: Band = { warnMax: 9.8, max: 10 };
    expect(classify(narrow, 9.7, 'warn', 0.5)).toBe('warn');
    const tight: Band = { min: 1, max: 1.5 };
    expect(classify(tight, 1.25, 'critical', 0.5)).toBe('ok');
    expect(classify(tight, 1.4, 'critical', 0.5)).toBe('critical');
  });

  it('refuses NaN', () => {
    expect(() => classify(CHURN, Number.NaN)).toThrow(RangeError);
  });
});

describe('evaluateHealth', () => {
  it('applies the first classification at once, from no_data', () => {
    const first = evaluateHealth({ band: CHURN, consecutive: 3 }, undefined, { value: 9, period: day(1) }, at(1));
    expect(first).toEqual({
      record: { state: 'critical', since: at(1), lastPeriod: day(1), lastValue: 9, checkedAt: at(1) },
      transition: { from: 'no_data', to: 'critical' },
    });
    const stale: HealthRecord = { state: 'no_data', since: at(1), lastPeriod: day(1), lastValue: 9 };
    expect(evaluateHealth({ band: CHURN, consecutive: 3 }, stale, { value: 1, period: day(5) }, at(5)).transition).toEqual({ from: 'no_data', to: 'ok' });
  });

  it('returns no transition while the state holds', () => {
    const result = run({ band: CHURN }, [1, 2, 3]);
    expect(result.transitions).toEqual(['no_data→ok@1']);
    expect(result.record).toEqual({ state: 'ok', since: at(1), lastPeriod: day(3), lastValue: 3, checkedAt: at(3) });
  });

  it('changes state only after N consecutive distinct periods', () => {
    const { record, transitions } = run({ band: CHURN, consecutive: 3 }, [5, 8, 9, 10, 11]);
    expect(transitions).toEqual(['no_data→ok@5', 'ok→critical@10']);
    expect(record).toMatchObject({ state: 'critical', since: at(4) });
    expect(record?.pendingState).toBeUndefined();
  });

  it('records the pending state and count, and resets them when the streak breaks', () => {
    const policy: HealthPolicy = { band: CHURN, consecutive: 3 };
    const a = run(policy, [5, 8, 9]).record!;
    expect(a).toMatchObject({ state: 'ok', since: at(1), pendingState: 'critical', pendingCount: 2 });
    const b = evaluateHealth(policy, a, { value: 5, period: day(4) }, at(4));
    expect(b.record).toEqual({ state: 'ok', since: at(1), lastPeriod: day(4), lastValue: 5, checkedAt: at(4) });
    expect(b.transition).toBeUndefined();
  });

  it('does not count a re-observed open period twice', () => {
    const policy: HealthPolicy = { band: CHURN, consecutive: 2 };
    let record = run(policy, [5]).record!;
    for (let i = 0; i < 5; i++) {
      const result = evaluateHealth(policy, record, { value: 9, period: day(2) }, at(2));
      expect(result.transition).toBeUndefined();
      record = result.record;
    }
    expect(record).toMatchObject({ state: 'ok', pendingState: 'critical', pendingCount: 1 });
    const next = evaluateHealth(policy, record, { value: 9, period: day(3) }, at(3));
    expect(next.transition).toEqual({ from: 'ok', to: 'critical' });
  });

  it('lets a re-observed period change its vote', () => {
    const policy: HealthPolicy = { band: LTV_CAC, consecutive: 2 };
    const base = run(policy, [3, 7]).record!;
    expect(base).toMatchObject({ state: 'ok', pendingState: 'critical', pendingCount: 1 });
    const warn = evaluateHealth(policy, base, { value: 5, period: day(2) }, at(2)).record;
    expect(warn).toMatchObject({ state: 'ok', pendingState: 'warn', pendingCount: 1, lastValue: 5 });
    const back = evaluateHealth(policy, warn, { value: 3, period: day(2) }, at(2)).record;
    expect(back.pendingState).toBeUndefined();
    const single = evaluateHealth({ band: LTV_CAC }, run({ band: LTV_CAC }, [3]).record, { value: 7, period: day(1) }, at(1));
    expect(single.transition).toEqual({ from: 'ok', to: 'critical' });
  });

  it('restarts the count when the pending state changes', () => {
    const { record, transitions } = run({ band: LTV_CAC, consecutive: 2 }, [3, 5, 7, 7]);
    expect(transitions).toEqual(['no_data→ok@3', 'ok→critical@7']);
    expect(record?.state).toBe('critical');
  });

  it('does not flap when a value oscillates around an edge with hysteresis', () => {
    const series = [7, 7.6, 7.4, 7.6, 7.3, 7.55, 7.1, 7.7, 7.45, 7.6, 7.2];
    const withMargin = run({ band: CHURN, hysteresis: 0.5 }, series);
    expect(withMargin.transitions).toEqual(['no_data→ok@7', 'ok→critical@7.6']);
    const without = run({ band: CHURN }, series);
    expect(without.transitions.length).toBeGreaterThan(8);
    const recovered = run({ band: CHURN, hysteresis: 0.5 }, [...series, 6.9]);
    expect(recovered.transitions.at(-1)).toBe('critical→ok@6.9');
  });

  it('walks an optimum band through warn and critical on both sides', () => {
    const { transitions } = run({ band: LTV_CAC }, [3, 2, 0.5, 2, 3, 5, 8, 3]);
    expect(transitions).toEqual([
      'no_data→ok@3',
      'ok→warn@2',
      'warn→critical@0.5',
      'critical→warn@2',
      'warn→ok@3',
      'ok→warn@5',
      'warn→critical@8',
      'critical→ok@3',
    ]);
  });

  it('combines hysteresis with consecutive periods', () => {
    const { transitions } = run({ band: CHURN, hysteresis: 0.5, consecutive: 2 }, [5, 8, 8, 7.2, 7.2, 6.8, 7.4, 6.8, 6.8]);
    expect(transitions).toEqual(['no_data→ok@5', 'ok→critical@8', 'critical→ok@6.8']);
  });

  it('treats consecutive below 1 as 1', () => {
    expect(run({ band: CHURN, consecutive: 0 }, [5, 9]).transitions).toEqual(['no_data→ok@5', 'ok→critical@9']);
  });
});

describe('evaluateStaleness', () => {
  const ok: HealthRecord = { state: 'ok', since: '2026-03-01T00:00:00.000Z', lastPeriod: day(1), lastValue: 4, pendingState: 'warn', pendingCount: 1 };
  const DAY = 86_400_000;

  it('turns a KPI with no successful sync in the window into no_data', () => {
    const result = evaluateStaleness(ok, '2026-03-01T10:00:00Z', '2026-03-03T10:00:00Z', 2 * DAY);
    expect(result).toEqual({
      record: { state: 'no_data', since: '2026-03-03T10:00:00Z', lastPeriod: day(1), lastValue: 4 },
      transition: { from: 'ok', to: 'no_data' },
    });
  });

  it('leaves a fresh KPI alone', () => {
    expect(evaluateStaleness(ok, '2026-03-01T10:00:00Z', '2026-03-03T09:59:59.999Z', 2 * DAY)).toBeUndefined();
    expect(evaluateStaleness(ok, '2026-03-01T11:00:00+01:00', '2026-03-03T09:59:59.999Z', 2 * DAY)).toBeUndefined();
  });

  it('treats a KPI that never synced as stale, and does nothing when already no_data', () => {
    const critical: HealthRecord = { state: 'critical', since: '2026-03-01T00:00:00.000Z' };
    expect(evaluateStaleness(critical, undefined, '2026-03-01T00:00:01Z', DAY)?.transition).toEqual({ from: 'critical', to: 'no_data' });
    expect(evaluateStaleness({ state: 'no_data', since: 'x' }, undefined, '2026-03-09T00:00:00Z', DAY)).toBeUndefined();
    expect(evaluateStaleness(undefined, undefined, '2026-03-09T00:00:00Z', DAY)).toBeUndefined();
  });

  it("counts the record's own checkedAt as a success the run history may no longer show", () => {
    const checked: HealthRecord = { ...ok, checkedAt: '2026-03-02T10:00:00Z' };
    // No ok run in the history the caller read (a long failure streak, or pruned runs).
    expect(evaluateStaleness(checked, undefined, '2026-03-03T10:00:00Z', 2 * DAY)).toBeUndefined();
    // An older ok run does not make a newer checkedAt stale, nor the other way round.
    expect(evaluateStaleness(checked, '2026-02-01T00:00:00Z', '2026-03-03T10:00:00Z', 2 * DAY)).toBeUndefined();
    expect(evaluateStaleness({ ...ok, checkedAt: '2026-02-01T00:00:00Z' }, '2026-03-02T10:00:00Z', '2026-03-03T10:00:00Z', 2 * DAY)).toBeUndefined();
    const stale = evaluateStaleness(checked, undefined, '2026-03-04T10:00:00Z', 2 * DAY);
    expect(stale?.record).toEqual({ state: 'no_data', since: '2026-03-04T10:00:00Z', lastPeriod: day(1), lastValue: 4, checkedAt: '2026-03-02T10:00:00Z' });
  });

  it('throws for unreadable instants', () => {
    expect(() => evaluateStaleness(ok, 'yesterday', '2026-03-09T00:00:00Z', DAY)).toThrow(RangeError);
    expect(() => evaluateStaleness(ok, undefined, 'now', DAY)).toThrow(RangeError);
  });

  it('lets the next evaluation recover from no_data at once', () => {
    const stale = evaluateStaleness(ok, undefined, '2026-03-09T00:00:00Z', DAY)!.record;
    const states: HealthState[] = [evaluateHealth({ band: CHURN, consecutive: 5 }, stale, { value: 1, period: day(9) }, at(9)).record.state];
    expect(states).toEqual(['ok']);
  });
});
