import { describe, expect, it } from 'vitest';
import { renderSoql, soqlEscape } from '../../../connectors/salesforce/soql.ts';
import { ConfigError } from '../../../src/sdk/index.ts';

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

  it("gives the zone's calendar date even when the bound is written in another offset", () => {
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
