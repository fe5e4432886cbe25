import { describe, expect, it } from 'vitest';
import { evaluationOf, promDuration, windowVariables } from '../../../connectors/prometheus/window.ts';

describe('prometheus durations', () => {
  it.each([
    [30 * 86_400_000, '30d'],
    [23 * 3_600_000, '23h'],
    [(31 * 24 + 1) * 3_600_000, '31d1h'],
    [13 * 3_600_000 + 5 * 60_000 + 7_000 + 120, '13h5m7s120ms'],
    [90_000, '1m30s'],
    [0.4, '1ms'],
  ])('%d ms is %s', (ms, text) => {
    expect(promDuration(ms)).toBe(text);
  });
});

describe('prometheus evaluation time', () => {
  const november = { start: '2025-11-01T00:00:00.000+01:00', end: '2025-12-01T00:00:00.000+01:00' };

  it('is the end of a closed period, with the whole period as the range', () => {
    const evaluation = evaluationOf(november, Date.parse('2026-01-10T00:00:00Z'));
    expect(evaluation).toEqual({ timeMs: Date.parse(november.end), rangeMs: 30 * 86_400_000 });
    expect(windowVariables(november, evaluation!)).toEqual({
      window: { range: '30d', rangeSeconds: 2_592_000, startUnix: 1_761_951_600, endUnix: 1_764_543_600 },
    });
  });

  it('is now for the current period, with the elapsed part as the range', () => {
    const now = Date.parse('2025-11-03T12:30:00.250+01:00');
    expect(evaluationOf(november, now)).toEqual({ timeMs: now, rangeMs: (2 * 24 + 12.5) * 3_600_000 + 250 });
  });

  it('is nothing for a period that has not begun', () => {
    expect(evaluationOf(november, Date.parse('2025-10-31T23:00:00Z'))).toBeUndefined();
  });
});
