import { describe, expect, it } from 'vitest';
import { bandText, distanceText, formatValue, headline, sparkline } from '../../../src/notify/destinations/alert-text.ts';
import { churnCritical, churnResolved, mrrNoData } from '../../fixtures/notify/alert-events.ts';

describe('alert text', () => {
  it('writes values with their unit, percent tight, others spaced', () => {
    expect(formatValue(7.2, '%')).toBe('7.2%');
    expect(formatValue(1234567.891, 'USD')).toBe('1,234,567.89 USD');
    expect(formatValue(0.001234, 'ratio')).toBe('0.00123 ratio');
    expect(formatValue(3)).toBe('3');
    expect(formatValue(0, '%')).toBe('0%');
  });

  it('says the healthy range first and where critical starts', () => {
    expect(bandText({ min: 1, warnMin: 2, warnMax: 4, max: 5 }, '%')).toBe('2–4% (critical below 1% or above 5%)');
    expect(bandText({ min: 0, warnMax: 4, max: 5 }, '%')).toBe('0–4% (critical above 5%)');
    expect(bandText({ min: 100 }, 'USD')).toBe('≥ 100 USD');
    expect(bandText({ max: 2 })).toBe('≤ 2');
    expect(bandText({})).toBe('any value');
  });

  it('says how far outside which edge', () => {
    expect(distanceText(churnCritical)).toBe('2.2% above max 5%');
    expect(distanceText({ ...churnCritical, value: 4.5, distance: 0.5 })).toBe('0.5% above warn max 4%');
    expect(distanceText(churnResolved)).toBeUndefined();
    expect(distanceText(mrrNoData)).toBeUndefined();
  });

  it('heads the alert with the KPI, its new state, value and previous state', () => {
    expect(headline(churnCritical)).toBe('Churn rate is critical: 7.2% (was warn)');
    expect(headline(churnResolved)).toBe('Churn rate is back to ok: 3.6% (was critical)');
    expect(headline(mrrNoData)).toBe('MRR has no data (was ok)');
    expect(headline({ ...churnCritical, type: 'health.repeat', from: 'critical' })).toBe('Churn rate is still critical: 7.2%');
  });

  it('draws the last values as a sparkline scaled to their own range', () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8], 6)).toBe('▁▂▄▅▇█');
    expect(sparkline([5, 1])).toBe('█▁');
    expect(sparkline([2, 2, 2])).toBe('▄▄▄');
    expect(sparkline([])).toBe('');
  });
});
