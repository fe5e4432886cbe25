import { describe, expect, it } from 'vitest';
import { quoteJql, renderJql } from '../../../connectors/jira/jql.ts';
import { ConfigError } from '../../../src/sdk/index.ts';

const NOVEMBER = { start: '2026-11-01T00:00:00.000+01:00', end: '2026-12-01T00:00:00.000+01:00' };

describe('quoteJql', () => {
  it('wraps in double quotes and escapes backslashes, quotes and control characters', () => {
    expect(quoteJql('2026-11-01 00:00')).toBe('"2026-11-01 00:00"');
    expect(quoteJql('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
  });

  it('cannot be closed early to inject a clause', () => {
    const quoted = quoteJql('x" OR project = SECRET OR summary ~ "y');
    // Every inner quote is escaped, so the literal stays one string from the first quote to the last.
    expect(quoted.slice(1, -1)).not.toMatch(/(^|[^\\])"/);
  });
});

describe('renderJql', () => {
  it('renders the window as quoted minute dates in the JQL time zone', () => {
    const jql = 'project = KPI AND created >= {{window.start}} AND created < {{ window.end }}';
    expect(renderJql(jql, NOVEMBER, 'Europe/Paris')).toBe('project = KPI AND created >= "2026-11-01 00:00" AND created < "2026-12-01 00:00"');
  });

  it("converts into the Jira account's zone, which can move the date", () => {
    const jql = 'created >= {{window.start}} AND created < {{window.end}}';
    expect(renderJql(jql, NOVEMBER, 'UTC')).toBe('created >= "2026-10-31 23:00" AND created < "2026-11-30 23:00"');
    expect(renderJql(jql, NOVEMBER, 'Australia/Sydney')).toBe('created >= "2026-11-01 10:00" AND created < "2026-12-01 10:00"');
  });

  it('leaves JQL without placeholders untouched and names an unknown placeholder', () => {
    expect(renderJql('project = KPI AND resolution = Unresolved', NOVEMBER, 'UTC')).toBe('project = KPI AND resolution = Unresolved');
    expect(() => renderJql('created >= {{window.begin}}', NOVEMBER, 'UTC')).toThrow(/Unknown template variable \{\{window\.begin\}\}.*window\.start/);
  });

  it('refuses a bound inside a minute, which JQL cannot express', () => {
    expect(() => renderJql('created >= {{window.start}}', { start: '2026-11-01T00:00:30.000+01:00', end: NOVEMBER.end }, 'UTC')).toThrow(ConfigError);
  });
});
