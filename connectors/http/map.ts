import { isRecord, QueryError } from '../../src/sdk/index.ts';
import type { Aggregate } from './schema.ts';

/**
 * What an expression picked from a body → numbers or (instant, value) points, pure.
 * Accepted shapes: a number (or a numeric string: many APIs send decimals as text), a
 * list of them, `[instant, value]` pairs, or objects with the configured `at` and
 * `value` fields. Instants are ISO 8601, Unix seconds or Unix ms.
 */

export interface Point {
  /** ISO 8601, UTC. */
  at: string;
  value: number;
}

export type Picked = { kind: 'nothing' } | { kind: 'numbers'; values: number[] } | { kind: 'points'; points: Point[] };

/** Unix times below this are seconds (it is 5138 AD in seconds, 1973 in ms). */
const MS_THRESHOLD = 1e11;
const NUMERIC = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

export function readPicked(result: unknown, fields: { at: string; value: string }, where: string): Picked {
  if (result === undefined || result === null) return { kind: 'nothing' };
  const items = Array.isArray(result) ? result : [result];
  if (items.length === 0) return { kind: 'nothing' };
  const first: unknown = items[0];
  if (isPair(first) || isRecord(first)) {
    return { kind: 'points', points: items.map((item, i) => toPoint(item, fields, `${where}: item ${i}`)) };
  }
  return { kind: 'numbers', values: items.map((item, i) => toNumber(item, items.length > 1 ? `${where}: item ${i}` : where)) };
}

function toPoint(item: unknown, fields: { at: string; value: string }, where: string): Point {
  if (isPair(item)) return { at: toInstant(item[0], where), value: toNumber(item[1], where) };
  if (isRecord(item)) {
    if (!Object.hasOwn(item, fields.at) || !Object.hasOwn(item, fields.value)) {
      throw new QueryError(
        `${where} is an object without "${fields.at}" and "${fields.value}" (keys: ${Object.keys(item).slice(0, 8).join(', ') || 'none'}); set pick.at and pick.value to its field names`,
      );
    }
    return { at: toInstant(item[fields.at], where), value: toNumber(item[fields.value], where) };
  }
  throw new QueryError(`${where} is ${describe(item)}; a series needs every item to be an [instant, value] pair or an object`);
}

export function toNumber(value: unknown, where: string): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' && NUMERIC.test(value) ? Number(value) : Number.NaN;
  if (typeof value !== 'number' && Number.isNaN(number)) throw new QueryError(`${where} is ${describe(value)}, not a number`);
  if (!Number.isFinite(number)) throw new QueryError(`${where} is ${describe(value)}, not a finite number`);
  return number;
}

export function toInstant(value: unknown, where: string): string {
  let ms: number;
  if (typeof value === 'number' || (typeof value === 'string' && NUMERIC.test(value))) {
    const n = Number(value);
    ms = Math.abs(n) < MS_THRESHOLD ? n * 1000 : n;
  } else if (typeof value === 'string') {
    ms = Date.parse(value);
  } else {
    ms = Number.NaN;
  }
  if (!Number.isFinite(ms) || Number.isNaN(new Date(ms).getTime()))
    throw new QueryError(`${where}: ${describe(value)} is not an instant (ISO 8601, Unix seconds or ms)`);
  return new Date(ms).toISOString();
}

/**
 * Several numbers → one. A sum or count of nothing is 0 (no orders, no revenue); an
 * average, minimum, maximum or last of nothing is no value.
 */
export function combine(values: readonly number[], aggregate: Aggregate): number | undefined {
  switch (aggregate) {
    case 'count':
      return values.length;
    case 'sum':
      return sum(values);
    case 'avg':
      return values.length === 0 ? undefined : sum(values) / values.length;
    case 'min':
      return values.length === 0 ? undefined : values.reduce((a, b) => Math.min(a, b));
    case 'max':
      return values.length === 0 ? undefined : values.reduce((a, b) => Math.max(a, b));
    case 'last':
      return values.at(-1);
  }
}

/** Neumaier summation: a thousand 0.1s add up to 100. */
function sum(values: readonly number[]): number {
  let total = 0;
  let carry = 0;
  for (const v of values) {
    const t = total + v;
    carry += Math.abs(total) >= Math.abs(v) ? total - t + v : v - t + total;
    total = t;
  }
  return total + carry;
}

function isPair(value: unknown): value is [unknown, unknown] {
  return Array.isArray(value) && value.length === 2;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (isRecord(value)) return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
