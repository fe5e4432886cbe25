import { describe, expect, it } from 'vitest';
import { ConfigValidationError, formatIssue, formatPath } from '../../../src/config/issue.ts';
import { editDistance, suggest } from '../../../src/config/suggest.ts';
import { ConfigError } from '../../../src/sdk/errors.ts';

describe('formatIssue', () => {
  it('prints file:line:column path: message', () => {
    const issue = {
      file: 'config/examples/kpis.yaml',
      line: 14,
      column: 7,
      path: 'kpis[2].health.band.max',
      message: 'expected a number, got "7,5"',
      severity: 'error' as const,
    };
    expect(formatIssue(issue)).toBe('config/examples/kpis.yaml:14:7 kpis[2].health.band.max: expected a number, got "7,5"');
  });

  it('leaves out what is unknown and marks warnings', () => {
    expect(formatIssue({ file: 'config', path: '', message: 'config folder not found', severity: 'error' })).toBe('config: config folder not found');
    expect(formatIssue({ file: 'a.yaml', line: 3, column: 5, path: 'objectives[0].krs', message: 'too many', severity: 'warning' })).toBe(
      'a.yaml:3:5 objectives[0].krs: warning: too many',
    );
  });
});

describe('formatPath', () => {
  it('joins keys with dots and indexes with brackets, quoting odd keys', () => {
    expect(formatPath(['kpis', 2, 'health', 'band', 'max'])).toBe('kpis[2].health.band.max');
    expect(formatPath(['connections', 0, 'headers', 'X-Api-Key'])).toBe('connections[0].headers["X-Api-Key"]');
    expect(formatPath([])).toBe('');
  });
});

describe('ConfigValidationError', () => {
  it('is a ConfigError listing every issue under a count of errors', () => {
    const error = new ConfigValidationError([
      { file: 'a.yaml', line: 1, column: 1, path: 'x', message: 'bad', severity: 'error' },
      { file: 'b.yaml', line: 2, column: 3, path: 'y', message: 'odd', severity: 'warning' },
    ]);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.name).toBe('ConfigValidationError');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('invalid config: 1 error\n  a.yaml:1:1 x: bad\n  b.yaml:2:3 y: warning: odd');
    expect(error.issues).toHaveLength(2);
  });
});

describe('suggest', () => {
  it('finds the closest candidate within one edit per three characters', () => {
    expect(editDistance('cak', 'cac')).toBe(1);
    expect(editDistance('helth', 'health')).toBe(1);
    expect(editDistance('teh', 'the')).toBe(1);
    expect(suggest('cak', ['ltv', 'cac'])).toBe('cac');
    expect(suggest('helth', ['band', 'health', 'hysteresis'])).toBe('health');
    expect(suggest('revenue', ['cac', 'ltv'])).toBeUndefined();
    expect(suggest('cac', ['cac'])).toBeUndefined();
  });
});
