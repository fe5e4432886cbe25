import { describe, expect, it } from 'vitest';
import { periodsIn } from '../../../connectors/salesforce/periods.ts';
import { renderSoql, soqlEscape } from '../../../connectors/salesforce/soql.ts';
import { ConfigError } from '../../../src/sdk/index.ts';
import { periodStartOf } from '../../helpers/salesforce-context.ts';

describe('renderSoql', () => {
  const period = { start: '2026-03-01T00:00:00.000+01:00', end: '2026-04-01T00:00:00.000+02:00' };

  it('writes dateTime literals without milliseconds and date literals, in the KPI zone', () => {
    expect(renderSoql('WHERE CreatedDate >= {{ window.start }} AND CreatedDate < {{window.end}}', period, 'Europe/Oslo')).toBe(
      'WHERE CreatedDate >= 2026-03-01T00:00:00+01:00 AND CreatedDate < 2026-04-01T00:00:00+02:00',
    );
    expect(renderSoql('CloseDate >= {{window.startDate}} AND CloseDate < {{window.endDate}}', period, 'Europe/Oslo')).toBe(
      'CloseDate >= 2026-03-01 AND CloseDate < 2026-04-01',
    );
  });

  it('gives the zone\'s calendar date even when the bound is written in another offset', () => {
    expect(renderSoql('{{window.startDate}}', { start: '2026-02-28T23:00:00.000Z', end: '2026-03-31T22:00:00.000Z' }, 'Europe/Oslo')).toBe('2026-03-01');
  });

  it('throws a ConfigError for an unknown placeholder', () => {
    expect(() => renderSoql('{{window.begin}}', period, 'UTC')).toThrow(ConfigError);
  });
});

describe('soqlEscape', () => {
  it('leaves date and dateTime literals and numbers bare', () => {
    expect(soqlEscape('2026-03-01', '2026-03-01')).toBe('2026-03-01');
    expect(soqlEscape('2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')).toBe('2026-03-01T00:00:00Z');
    expect(soqlEscape('42', 42)).toBe('42');
  });

  it('quotes other text so it cannot close the literal', () => {
    expect(soqlEscape("x' OR Name != '", "x' OR Name != '")).toBe("'x\\' OR Name != \\''");
    expect(soqlEscape('a\\b\nc', 'a\\b\nc')).toBe("'a\\\\b\\nc'");
  });
});

describe('periodsIn', () => {
  const periodOf = (interval: 'day' | 'week' | 'month' | 'quarter', zone: string) => (instant: string) => periodStartOf(instant, interval, zone);

  it('lists each month of a window across a DST change', () => {
    const window = { start: '2026-02-01T00:00:00.000+01:00', end: '2026-05-01T00:00:00.000+02:00', timeZone: 'Europe/Oslo', interval: 'month' as const };
    expect(periodsIn(window, periodOf('month', 'Europe/Oslo'), 100)).toEqual({
      periods: [
        { start: '2026-02-01T00:00:00.000+01:00', end: '2026-03-01T00:00:00.000+01:00' },
        { start: '2026-03-01T00:00:00.000+01:00', end: '2026-04-01T00:00:00.000+02:00' },
        { start: '2026-04-01T00:00:00.000+02:00', end: '2026-05-01T00:00:00.000+02:00' },
      ],
      skipped: 0,
    });
  });

  it('keeps the most recent periods past the cap', () => {
    const window = { start: '2026-03-28T00:00:00.000+01:00', end: '2026-04-01T00:00:00.000+02:00', timeZone: 'Europe/Oslo', interval: 'day' as const };
    const { periods, skipped } = periodsIn(window, periodOf('day', 'Europe/Oslo'), 2);
    expect(skipped).toBe(2);
    expect(periods).toEqual([
      { start: '2026-03-30T00:00:00.000+02:00', end: '2026-03-31T00:00:00.000+02:00' },
      { start: '2026-03-31T00:00:00.000+02:00', end: '2026-04-01T00:00:00.000+02:00' },
    ]);
  });

  it('steps weeks and quarters', () => {
    const weeks = periodsIn({ start: '2026-11-02T00:00:00.000Z', end: '2026-11-16T00:00:00.000Z', timeZone: 'UTC', interval: 'week' }, periodOf('week', 'UTC'), 10);
    expect(weeks.periods.map((p) => p.start)).toEqual(['2026-11-02T00:00:00.000Z', '2026-11-09T00:00:00.000Z']);
    const quarters = periodsIn({ start: '2026-01-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z', timeZone: 'UTC', interval: 'quarter' }, periodOf('quarter', 'UTC'), 10);
    expect(quarters.periods.map((p) => p.start.slice(0, 10))).toEqual(['2026-01-01', '2026-04-01', '2026-07-01', '2026-10-01']);
  });
});
