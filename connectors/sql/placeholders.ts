import { QueryError } from '../../src/sdk/index.ts';
import type { Dialect } from './schema.ts';

/**
 * Named window parameters (`:window_start`) → the driver's positional ones (`$1` for
 * pg, `?` for mysql2), so the window reaches the server only as bind values and never
 * as SQL text. The SQL is scanned the way each server lexes it, so a `:name` inside a
 * string literal, a quoted identifier or a comment is left alone, and `::` (Postgres
 * casts) and `:=` (assignment) are not parameters. Pure.
 */

export const WINDOW_PARAMETERS = ['window_start', 'window_end', 'window_start_utc', 'window_end_utc', 'window_zone', 'window_interval'] as const;
export type WindowParameter = (typeof WINDOW_PARAMETERS)[number];

/** The parameters that bound the window: a query using one adds up what happened in it (a flow). */
const BOUNDS: ReadonlySet<string> = new Set(['window_start', 'window_end', 'window_start_utc', 'window_end_utc']);

export interface BoundSql {
  /** The SQL with each named parameter replaced by a positional one. */
  text: string;
  /** The parameter behind each position, in order (a name used twice is bound twice). */
  names: WindowParameter[];
}

const KNOWN: ReadonlySet<string> = new Set(WINDOW_PARAMETERS);
const LIST = WINDOW_PARAMETERS.map((name) => `:${name}`).join(', ');

/** `sql` with positional parameters for `dialect`; a QueryError names an unknown `:name` or a positional parameter written by hand. */
export function bindNamed(sql: string, dialect: Dialect): BoundSql {
  const names: WindowParameter[] = [];
  let text = '';
  scan(sql, dialect, {
    verbatim: (part) => (text += part),
    parameter: (name) => {
      if (!KNOWN.has(name)) throw new QueryError(`unknown parameter :${name} in the query; the window's parameters are ${LIST}`);
      names.push(name as WindowParameter);
      // Postgres: one position per use, so each use gets its type from its own context
      // (`:window_start::date` and `ts >= :window_start` in one query would otherwise clash).
      text += dialect === 'postgres' ? `$${names.length}` : '?';
    },
    positional: (token) => {
      throw new QueryError(`the query holds a positional parameter ${token}; use the named window parameters (${LIST})`);
    },
  });
  return { text, names };
}

/** Whether the SQL reads the window's bounds, under either dialect's lexing (for `measure`, which knows no connection). */
export function usesWindowBounds(sql: string): boolean {
  return (['postgres', 'mysql'] as const).some((dialect) => {
    let found = false;
    scan(sql, dialect, { verbatim: () => undefined, parameter: (name) => void (found ||= BOUNDS.has(name)), positional: () => undefined });
    return found;
  });
}

interface Sink {
  verbatim(part: string): void;
  parameter(name: string): void;
  positional(token: string): void;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_$]/;

/**
 * Lexes just enough SQL to find parameters. Postgres: '…' (E'…' with backslash
 * escapes), "…" identifiers, $tag$…$tag$, -- and nested /* *\/ comments
 * (https://www.postgresql.org/docs/current/sql-syntax-lexical.html). MySQL/MariaDB:
 * '…' and "…" with backslash escapes, `…` identifiers, #, "-- " and /* *\/ comments
 * (https://dev.mysql.com/doc/refman/8.4/en/comments.html, /string-literals.html).
 * An unterminated literal runs to the end: the server reports it.
 */
function scan(sql: string, dialect: Dialect, sink: Sink): void {
  const pg = dialect === 'postgres';
  let i = 0;
  const take = (end: number) => {
    sink.verbatim(sql.slice(i, end));
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1] ?? '';
    const prev = i > 0 ? sql[i - 1]! : '';
    if (c === "'") {
      const escapes = !pg || ((prev === 'E' || prev === 'e') && !IDENT_PART.test(sql[i - 2] ?? ''));
      take(quotedEnd(sql, i, "'", escapes));
    } else if (c === '"') {
      take(quotedEnd(sql, i, '"', !pg));
    } else if (c === '`' && !pg) {
      take(quotedEnd(sql, i, '`', false));
      // biome-ignore lint/suspicious/noControlCharactersInRegex: MySQL starts a `--` comment only before whitespace or a control character.
    } else if (c === '-' && next === '-' && (pg || /[\s\x00-\x1f]/.test(sql[i + 2] ?? ' '))) {
      take(lineEnd(sql, i));
    } else if (c === '#' && !pg) {
      take(lineEnd(sql, i));
    } else if (c === '/' && next === '*') {
      take(blockCommentEnd(sql, i, pg));
    } else if (c === '$' && pg && !IDENT_PART.test(prev)) {
      const dollar = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      const digits = /^\$\d+/.exec(sql.slice(i));
      if (dollar) {
        const close = sql.indexOf(dollar[0], i + dollar[0].length);
        take(close < 0 ? sql.length : close + dollar[0].length);
      } else if (digits) {
        sink.positional(digits[0]);
      } else {
        take(i + 1);
      }
    } else if (c === '?' && !pg) {
      sink.positional('?');
    } else if (c === ':' && (next === ':' || next === '=')) {
      take(i + 2);
    } else if (c === ':' && IDENT_START.test(next)) {
      let end = i + 1;
      while (end < sql.length && /[A-Za-z0-9_]/.test(sql[end]!)) end += 1;
      sink.parameter(sql.slice(i + 1, end));
      i = end;
    } else {
      // A run of characters that cannot start anything above.
      let end = i + 1;
      while (end < sql.length && !/['"`\-#/$?:]/.test(sql[end]!)) end += 1;
      take(end);
    }
  }
}

/** Index after the closing quote; a doubled quote stays inside, and so does a backslash-escaped one when `escapes`. */
function quotedEnd(sql: string, start: number, quote: string, escapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (escapes && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  return sql.length;
}

function lineEnd(sql: string, start: number): number {
  const end = sql.indexOf('\n', start);
  return end < 0 ? sql.length : end + 1;
}

/** Postgres nests block comments; MySQL ends at the first *\/. */
function blockCommentEnd(sql: string, start: number, nests: boolean): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth = nests ? depth + 1 : 1;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return sql.length;
}
