import type { z } from 'zod';
import type { ConfigPath } from './issue.ts';
import { keysAt } from './schema-walk.ts';
import { didYouMean } from './suggest.ts';

type ZodIssue = z.core.$ZodIssue;

/** What the issues were raised against. */
export interface IssueSubject {
  /** The schema that was parsed, for "did you mean" on unknown keys. */
  schema: z.core.$ZodType;
  /** The input that was parsed; offending values are read from it. */
  data: unknown;
  /** True when the value at `path` (relative to `data`) must not be shown (secret field, interpolated value). */
  hidden: (path: ConfigPath) => boolean;
  /** Where `data` sits in its file; reported paths start with it. */
  at?: ConfigPath;
}

/** A zod issue in words an operator can act on. `atKey`: point at the key, not the value. */
export interface DescribedIssue {
  path: ConfigPath;
  message: string;
  atKey?: boolean;
}

const MAX_SHOWN = 40;

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a map (key: value pairs)',
  record: 'a map (key: value pairs)',
  array: 'a list',
  tuple: 'a list',
  null: 'null',
  date: 'a date',
};

function toPath(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
}

export function valueAt(data: unknown, path: ConfigPath): unknown {
  let current = data;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function kindOf(value: unknown): string {
  if (value === null) return 'an empty value (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  if (typeof value === 'boolean') return 'true/false';
  return `a ${typeof value}`;
}

/** The offending value for a message: short, and only when it may be shown. */
function shown(value: unknown, hidden: boolean): string {
  if (value === undefined) return 'nothing';
  if (hidden || typeof value === 'object' || value === '') return kindOf(value) + (hidden ? ' (value hidden)' : '');
  const text = String(value);
  const short = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
  return typeof value === 'string' ? JSON.stringify(short) : short;
}

function quoteAll(values: readonly unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

function bound(issue: Extract<ZodIssue, { code: 'too_small' | 'too_big' }>, got: unknown, show: string): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'string') {
    if (small && limit === 1) return 'must not be empty';
    return `expected ${small ? 'at least' : 'at most'} ${limit} characters, got ${typeof got === 'string' ? got.length : show}`;
  }
  if (issue.origin === 'array' || issue.origin === 'set') {
    const count = Array.isArray(got) ? `, got ${got.length}` : '';
    return `expected ${small ? 'at least' : 'at most'} ${limit} ${limit === 1 ? 'item' : 'items'}${count}`;
  }
  const relation = small ? (inclusive ? `${limit} or more` : `more than ${limit}`) : inclusive ? `${limit} or less` : `less than ${limit}`;
  return `expected ${relation}, got ${show}`;
}

function describeOne(issue: ZodIssue, base: ConfigPath, subject: IssueSubject): DescribedIssue[] {
  const local = [...base, ...toPath(issue.path)];
  const path = [...(subject.at ?? []), ...local];
  const got = valueAt(subject.data, local);
  const hidden = subject.hidden(local);
  const show = shown(got, hidden);
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? `a ${issue.expected}`;
      const parent = valueAt(subject.data, local.slice(0, -1));
      if (got === undefined && typeof parent === 'object' && parent !== null && local.length > 0) {
        return [{ path, message: `missing required key "${String(path.at(-1))}" (${expected})` }];
      }
      return [{ path, message: `expected ${expected}, got ${show}` }];
    }
    case 'unrecognized_keys': {
      const allowed = keysAt(subject.schema, local);
      return issue.keys.map((key) => {
        const hint = didYouMean(key, allowed) || (allowed.length > 0 && allowed.length <= 12 ? ` (allowed: ${allowed.join(', ')})` : '');
        return { path: [...path, key], message: `unknown key "${key}"${hint}`, atKey: true };
      });
    }
    case 'invalid_value': {
      if (issue.values.length === 1) return [{ path, message: `expected ${quoteAll(issue.values)}, got ${show}` }];
      const options = issue.values.filter((value): value is string => typeof value === 'string');
      const hint = typeof got === 'string' && !hidden ? didYouMean(got, options) : '';
      return [{ path, message: `expected one of ${quoteAll(issue.values)}, got ${show}${hint}` }];
    }
    case 'too_small':
    case 'too_big':
      return [{ path, message: bound(issue, got, show) }];
    case 'not_multiple_of':
      return [{ path, message: `expected a multiple of ${String(issue.divisor)}, got ${show}` }];
    case 'invalid_format': {
      // A schema's own message ("a date as YYYY-MM-DD") reads as what is expected; zod's defaults start with "Invalid".
      if (!/^invalid\b/i.test(issue.message)) return [{ path, message: `expected ${issue.message}, got ${show}` }];
      const what = issue.format === 'regex' && issue.pattern ? `text matching ${issue.pattern}` : `a valid ${issue.format}`;
      return [{ path, message: `expected ${what}, got ${show}` }];
    }
    case 'invalid_union': {
      const discriminator = issue as { options?: unknown[] };
      if (issue.errors.length === 0 && Array.isArray(discriminator.options)) {
        return [{ path, message: `expected one of ${quoteAll(discriminator.options)}, got ${show}` }];
      }
      const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0];
      if (closest === undefined || closest.length === 0) return [{ path, message: `does not match any allowed form, got ${show}` }];
      return closest.flatMap((inner) => describeOne(inner, local, subject));
    }
    case 'invalid_key': {
      const key = String(local.at(-1));
      const reason = issue.issues.map((inner) => describeOne(inner, [], { schema: subject.schema, data: key, hidden: () => false })[0]?.message).join('; ');
      return [{ path, message: `invalid key "${key}": ${reason}`, atKey: true }];
    }
    case 'invalid_element':
      return issue.issues.flatMap((inner) => describeOne(inner, local, subject));
    default: {
      // Refinements phrased as a noun ("an IANA time zone such as …") describe what is expected.
      const scalar = typeof got === 'string' || typeof got === 'number';
      if (scalar && /^an? /.test(issue.message)) return [{ path, message: `expected ${issue.message}, got ${show}` }];
      return [{ path, message: issue.message }];
    }
  }
}

/** Turns zod issues into messages with the offending value (never a hidden one). */
export function describeZodIssues(issues: readonly ZodIssue[], subject: IssueSubject): DescribedIssue[] {
  return issues.flatMap((issue) => describeOne(issue, [], subject));
}
