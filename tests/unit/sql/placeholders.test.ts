import { describe, expect, it } from 'vitest';
import { parameterValues, windowParameters } from '../../../connectors/sql/parameters.ts';
import { bindNamed } from '../../../connectors/sql/placeholders.ts';

const NOVEMBER_PARIS = { start: '2026-11-01T00:00:00.000+01:00', end: '2026-12-01T00:00:00.000+01:00', timeZone: 'Europe/Paris', interval: 'month' } as const;

describe('bindNamed: named window parameters become positional ones', () => {
  it('numbers each use for pg ($1, $2, … even for a repeated name) and writes ? for mysql2', () => {
    const text = 'SELECT count(*) FROM t WHERE at >= :window_start AND at < :window_end AND d >= :window_start::date';
    expect(bindNamed(text, 'postgres')).toEqual({
      text: 'SELECT count(*) FROM t WHERE at >= $1 AND at < $2 AND d >= $3::date',
      names: ['window_start', 'window_end', 'window_start'],
    });
    expect(bindNamed('SELECT COUNT(*) FROM t WHERE at >= :window_start_utc AND z = :window_zone', 'mysql')).toEqual({
      text: 'SELECT COUNT(*) FROM t WHERE at >= ? AND z = ?',
      names: ['window_start_utc', 'window_zone'],
    });
  });

  it('leaves string literals, quoted identifiers and comments alone (Postgres)', () => {
    const text = [
      "SELECT ':window_start', E'it\\'s :window_end', \"col:window_zone\", $$ :window_start $$, $tag$ :x $tag$",
      '-- :window_end',
      '/* outer /* nested :window_end */ still comment :window_zone */ :window_interval',
    ].join('\n');
    const bound = bindNamed(text, 'postgres');
    expect(bound.names).toEqual(['window_interval']);
    expect(bound.text).toBe(text.replace(':window_interval', '$1'));
  });

  it('leaves string literals, backtick identifiers and comments alone (MySQL/MariaDB)', () => {
    const text =
      "SELECT ':window_start', 'it\\'s :window_end', \"x:window_zone\", `c:window_start` # :window_end\n-- :window_end\n/* :window_end */ :window_start";
    expect(bindNamed(text, 'mysql')).toEqual({ text: `${text.slice(0, -':window_start'.length)}?`, names: ['window_start'] });
  });

  it('keeps Postgres casts and := assignments', () => {
    expect(bindNamed('SELECT now()::date, f(a := 1), :window_zone::text', 'postgres').text).toBe('SELECT now()::date, f(a := 1), $1::text');
    expect(bindNamed('SELECT @n := 1', 'mysql').text).toBe('SELECT @n := 1');
  });

  it('refuses an unknown :name with a QueryError naming it and listing the known ones', () => {
    const error = (() => {
      try {
        bindNamed('SELECT count(*) FROM t WHERE at >= :window_begin', 'postgres');
      } catch (e) {
        return e as Error & { code?: string };
      }
      return undefined;
    })();
    expect(error?.code).toBe('KS_ERR_QUERY');
    expect(error?.message).toContain('unknown parameter :window_begin');
    expect(error?.message).toContain(':window_start, :window_end, :window_start_utc, :window_end_utc, :window_zone, :window_interval');
  });

  it('refuses positional parameters written by hand, which would take the window values by position', () => {
    expect(() => bindNamed('SELECT count(*) FROM t WHERE at >= $1', 'postgres')).toThrow(/positional parameter \$1/);
    expect(() => bindNamed('SELECT count(*) FROM t WHERE at >= ?', 'mysql')).toThrow(/positional parameter \?/);
    // jsonb's ? operator is not a parameter for Postgres, nor $ inside an identifier.
    expect(bindNamed("SELECT count(*) FROM t WHERE doc ? 'k' AND a$1 > 0", 'postgres').names).toEqual([]);
  });
});

describe('window parameter values', () => {
  it('Postgres: the bounds as written in the KPI zone (with offset) and in UTC', () => {
    expect(windowParameters(NOVEMBER_PARIS, 'postgres')).toEqual({
      window_start: '2026-11-01T00:00:00.000+01:00',
      window_end: '2026-12-01T00:00:00.000+01:00',
      window_start_utc: '2026-10-31T23:00:00.000Z',
      window_end_utc: '2026-11-30T23:00:00.000Z',
      window_zone: 'Europe/Paris',
      window_interval: 'month',
    });
  });

  it('MySQL/MariaDB: wall times without an offset, local and UTC', () => {
    expect(windowParameters(NOVEMBER_PARIS, 'mysql')).toMatchObject({
      window_start: '2026-11-01 00:00:00.000',
      window_end: '2026-12-01 00:00:00.000',
      window_start_utc: '2026-10-31 23:00:00.000',
      window_end_utc: '2026-11-30 23:00:00.000',
    });
  });

  it('follows the bound positions', () => {
    expect(parameterValues(['window_zone', 'window_start', 'window_zone'], NOVEMBER_PARIS, 'mysql')).toEqual([
      'Europe/Paris',
      '2026-11-01 00:00:00.000',
      'Europe/Paris',
    ]);
  });
});
