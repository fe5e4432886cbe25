import { describe, expect, it } from 'vitest';
import { AT_RISK_MARGIN, krProgress } from '../../../src/domain/progress.ts';
import type { KrSpec } from '../../../src/domain/types.ts';

// 2026-01-01 00:00Z to 2026-01-10 24:00Z: ten days, so each day is 0.1 of the line.
const base = { startDate: '2026-01-01', dueDate: '2026-01-10', kind: 'committed' } as const;
const grow: KrSpec = { id: 'grow', direction: 'increase', start: 100, target: 200, ...base };
const cut: KrSpec = { id: 'cut', direction: 'decrease', start: 10, target: 5, ...base };
const keep: KrSpec = { id: 'keep', direction: 'maintain', start: 0, target: 0, band: { min: 2, warnMin: 2.5, warnMax: 4, max: 5 }, ...base };
const dayN = (n: number, time = '00:00:00'): string => `2026-01-${String(n).padStart(2, '0')}T${time}Z`;

describe('krProgress', () => {
  it('measures an increase KR from start to target', () => {
    const p = krProgress(grow, 150, dayN(6));
    expect(p).toEqual({ kr: 'grow', value: 150, progress: 0.5, expected: 0.5, expectedAtDue: 1, track: 'on_track', at: dayN(6) });
  });

  it('measures a decrease KR from start to target', () => {
    expect(krProgress(cut, 7.5, dayN(6)).progress).toBe(0.5);
    expect(krProgress(cut, 9, dayN(6)).progress).toBeCloseTo(0.2, 12);
    expect(krProgress(cut, 5, dayN(6)).track).toBe('achieved');
  });

  it('clamps progress to [0, 1]', () => {
    expect(krProgress(grow, 50, dayN(2)).progress).toBe(0);
    expect(krProgress(grow, 400, dayN(2)).progress).toBe(1);
    expect(krProgress(cut, 12, dayN(2)).progress).toBe(0);
    expect(krProgress(cut, 1, dayN(2)).progress).toBe(1);
    expect(krProgress(grow, 400, dayN(2)).track).toBe('achieved');
  });

  it('expects nothing before the start date and everything after the due date', () => {
    const before = krProgress(grow, 100, '2025-12-15T00:00:00Z');
    expect(before.expected).toBe(0);
    expect(before.track).toBe('on_track');
    const after = krProgress(grow, 190, '2026-02-01T00:00:00Z');
    expect(after.expected).toBe(1);
    expect(after.track).toBe('at_risk');
  });

  it('runs the line from the start of startDate to the end of dueDate in UTC', () => {
    expect(krProgress(grow, 100, dayN(1)).expected).toBe(0);
    expect(krProgress(grow, 100, dayN(1, '12:00:00')).expected).toBeCloseTo(0.05, 12);
    expect(krProgress(grow, 100, dayN(10, '12:00:00')).expected).toBeCloseTo(0.95, 12);
    expect(krProgress(grow, 100, dayN(11)).expected).toBe(1);
    // 01:00 on 1 January in Oslo is still 31 December in UTC: before the line starts.
    expect(krProgress(grow, 100, '2026-01-01T00:30:00+01:00').expected).toBe(0);
  });

  it('classifies on_track, at_risk and off_track against the line', () => {
    // Expected 0.5 on day 6.
    expect(krProgress(grow, 150, dayN(6)).track).toBe('on_track');
    expect(krProgress(grow, 149, dayN(6)).track).toBe('at_risk');
    expect(krProgress(grow, 100 + 100 * (0.5 - AT_RISK_MARGIN), dayN(6)).track).toBe('at_risk');
    expect(krProgress(grow, 134, dayN(6)).track).toBe('off_track');
    expect(AT_RISK_MARGIN).toBe(0.15);
  });

  it('expects 0.7 by the due date of an aspirational KR', () => {
    const aspirational: KrSpec = { ...grow, kind: 'aspirational' };
    const due = krProgress(aspirational, 170, dayN(11));
    expect(due).toMatchObject({ progress: 0.7, expected: 0.7, expectedAtDue: 0.7, track: 'on_track' });
    expect(krProgress(aspirational, 150, dayN(6)).expected).toBeCloseTo(0.35, 12);
    expect(krProgress({ ...grow, kind: 'committed' }, 170, dayN(11)).track).toBe('off_track');
    expect(krProgress(aspirational, 200, dayN(11)).track).toBe('achieved');
  });

  it('maintain: achieved while ok in the band, off track otherwise', () => {
    expect(krProgress(keep, 3, dayN(6))).toMatchObject({ progress: 1, track: 'achieved' });
    expect(krProgress(keep, 4, dayN(6))).toMatchObject({ progress: 1, track: 'achieved' });
    expect(krProgress(keep, 4.5, dayN(6))).toMatchObject({ progress: 0, track: 'off_track' });
    expect(krProgress(keep, 1, dayN(6))).toMatchObject({ progress: 0, track: 'off_track' });
    expect(krProgress(keep, 1, '2025-12-01T00:00:00Z').track).toBe('off_track');
  });

  it('handles start equal to target and NaN without dividing by zero', () => {
    const flat: KrSpec = { ...grow, start: 100, target: 100 };
    expect(krProgress(flat, 100, dayN(6)).progress).toBe(1);
    expect(krProgress(flat, 99, dayN(6)).progress).toBe(0);
    expect(krProgress({ ...flat, direction: 'decrease' }, 99, dayN(6)).progress).toBe(1);
    expect(krProgress(grow, Number.NaN, dayN(6))).toMatchObject({ progress: 0, track: 'off_track' });
    expect(krProgress(keep, Number.NaN, dayN(6)).progress).toBe(0);
  });

  it('accepts instants as start and due dates', () => {
    const exact: KrSpec = { ...grow, startDate: '2026-01-01T00:00:00Z', dueDate: '2026-01-02T00:00:00Z' };
    expect(krProgress(exact, 100, '2026-01-01T06:00:00Z').expected).toBe(0.25);
  });

  it('throws for unreadable dates and a maintain KR without a band', () => {
    expect(() => krProgress({ ...grow, startDate: 'soon' }, 1, dayN(2))).toThrow(/startDate is not a date/);
    expect(() => krProgress({ ...grow, dueDate: '2026-02-30' }, 1, dayN(2))).toThrow(/dueDate is not a date/);
    expect(() => krProgress(grow, 1, 'now')).toThrow(/now is not an instant/);
    expect(() => krProgress(grow, 1, '')).toThrow(/now is not an instant/);
    const { band: _band, ...noBand } = keep;
    expect(() => krProgress(noBand, 1, dayN(2))).toThrow(/maintain KR "keep" has no band/);
  });
});
