import { describe, expect, it } from 'vitest';
import { distanceOutside, edgeCrossed, isBreach, krSuggestion } from '../../../src/notify/alert-event.ts';

describe('distanceOutside', () => {
  const band = { min: 1, warnMin: 2, warnMax: 4, max: 5 };

  it('is 0 inside the band and on its edges', () => {
    expect(distanceOutside(band, 3)).toBe(0);
    expect(distanceOutside(band, 2)).toBe(0);
    expect(distanceOutside(band, 4)).toBe(0);
  });

  it('measures past the warn edge while the value is in the warn zone', () => {
    expect(distanceOutside(band, 4.5)).toBe(0.5);
    expect(distanceOutside(band, 1.25)).toBe(0.75);
    expect(edgeCrossed(band, 4.5)).toBe('warnMax');
    expect(edgeCrossed(band, 1.25)).toBe('warnMin');
  });

  it('measures past the critical edge once that is crossed', () => {
    expect(distanceOutside(band, 7.5)).toBe(2.5);
    expect(distanceOutside(band, -1)).toBe(2);
    expect(edgeCrossed(band, 7.5)).toBe('max');
    expect(edgeCrossed(band, -1)).toBe('min');
  });

  it('works with one-sided bands and without warn edges', () => {
    expect(distanceOutside({ min: 100 }, 80)).toBe(20);
    expect(distanceOutside({ min: 100 }, 1e9)).toBe(0);
    expect(distanceOutside({ warnMax: 10 }, 12)).toBe(2);
    expect(distanceOutside({}, 12)).toBe(0);
  });

  it('drops the binary noise of decimal differences', () => {
    expect(5.3 - 5).not.toBe(0.3);
    expect(distanceOutside({ max: 5 }, 5.3)).toBe(0.3);
    expect(distanceOutside({ min: 0.3 }, 0.1)).toBe(0.2);
  });
});

describe('krSuggestion', () => {
  it('names the KPI and its state and proposes a KR for the quarter', () => {
    expect(krSuggestion('Churn rate', 'critical')).toBe('Churn rate is critical and no Key Result tracks it: consider taking it on as a KR for this quarter.');
    expect(krSuggestion('NPS', 'warn')).toBe('NPS is in warning and no Key Result tracks it: consider taking it on as a KR for this quarter.');
  });

  it('is only offered for breaches', () => {
    expect(['ok', 'warn', 'critical', 'no_data'].filter((s) => isBreach(s as 'ok'))).toEqual(['warn', 'critical']);
  });
});
