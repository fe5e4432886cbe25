import { PeriodAggregate } from './aggregate.ts';
import type { CsvAggregate } from './schema.ts';

/** The state of a date outside the query's window (see UniformRun.slotStates): no row of it counts. */
export const OUTSIDE = new PeriodAggregate('');

/** The selected rows of a batch and what uniformRows reads for them; see BatchQuery. */
export interface UniformRun {
  rows: Int32Array;
  from: number;
  to: number;
  slots: Int32Array;
  times: Float64Array;
  /** The values (not read for count and count_rows). */
  values: Float64Array;
  aggregate: Exclude<CsvAggregate, 'count_distinct'>;
  /** The query's period state per date slot, OUTSIDE for a date outside its window; undefined until resolved. */
  slotStates: readonly (PeriodAggregate | undefined)[];
  /** Fills in slotStates for row `i`'s date and returns it. */
  resolve(i: number): PeriodAggregate;
}

/**
 * BatchQuery's loops for the usual batch: every date a plain local date (with a slot)
 * and every value a number, so no row is rejected or blank. Each does what
 * PeriodAggregate.addValue (or addRow) does row by row, but only for the figures its
 * aggregate reports (PeriodAggregate.result reads no others), with the period's
 * figures in locals: exports are sorted by date, so the period changes rarely and is
 * written back only then. Values are added in row order, so sums match to the last
 * bit. Returns the rows added.
 */
export function uniformRows(run: UniformRun): number {
  switch (run.aggregate) {
    case 'sum':
    case 'avg':
      return sumRows(run);
    case 'count':
    case 'count_rows':
      return countRows(run);
    case 'min':
    case 'max':
      return extremeRows(run);
    case 'last':
      return lastRows(run);
  }
}

/** The period state of row `i`'s date (slot `slot`) for this query, or undefined outside its window. */
function stateOf(run: UniformRun, slot: number, i: number): PeriodAggregate | undefined {
  const state = run.slotStates[slot] ?? run.resolve(i);
  return state === OUTSIDE ? undefined : state;
}

function sumRows(run: UniformRun): number {
  const { rows, from, to, slots, values } = run;
  let lastSlot = -1;
  let state: PeriodAggregate | undefined;
  let count = 0;
  let sum = 0;
  let matched = 0;
  for (let j = from; j < to; j++) {
    const i = rows[j]!;
    const slot = slots[i]!;
    if (slot !== lastSlot) {
      lastSlot = slot;
      const next = stateOf(run, slot, i);
      if (next !== state) {
        if (state !== undefined) [state.values, state.sum] = [count, sum];
        state = next;
        if (state !== undefined) [count, sum] = [state.values, state.sum];
      }
    }
    if (state === undefined) continue;
    matched++;
    count++;
    sum += values[i]!;
  }
  if (state !== undefined) [state.values, state.sum] = [count, sum];
  return matched;
}

/** count (values that parse) or count_rows (every row), which add no value. */
function countRows(run: UniformRun): number {
  const { rows, from, to, slots } = run;
  const field = run.aggregate === 'count' ? 'values' : 'rows';
  let lastSlot = -1;
  let state: PeriodAggregate | undefined;
  let count = 0;
  let matched = 0;
  for (let j = from; j < to; j++) {
    const i = rows[j]!;
    const slot = slots[i]!;
    if (slot !== lastSlot) {
      lastSlot = slot;
      const next = stateOf(run, slot, i);
      if (next !== state) {
        if (state !== undefined) state[field] = count;
        state = next;
        if (state !== undefined) count = state[field];
      }
    }
    if (state === undefined) continue;
    matched++;
    count++;
  }
  if (state !== undefined) state[field] = count;
  return matched;
}

function extremeRows(run: UniformRun): number {
  const { rows, from, to, slots, values } = run;
  const field = run.aggregate === 'min' ? 'min' : 'max';
  // The maximum is the minimum of the negated values, so one loop serves both.
  const sign = field === 'min' ? 1 : -1;
  let lastSlot = -1;
  let state: PeriodAggregate | undefined;
  let count = 0;
  let least = 0;
  let matched = 0;
  for (let j = from; j < to; j++) {
    const i = rows[j]!;
    const slot = slots[i]!;
    if (slot !== lastSlot) {
      lastSlot = slot;
      const next = stateOf(run, slot, i);
      if (next !== state) {
        if (state !== undefined) [state.values, state[field]] = [count, sign * least];
        state = next;
        if (state !== undefined) [count, least] = [state.values, sign * state[field]];
      }
    }
    if (state === undefined) continue;
    matched++;
    count++;
    const v = sign * values[i]!;
    if (v < least) least = v;
  }
  if (state !== undefined) [state.values, state[field]] = [count, sign * least];
  return matched;
}

/**
 * The rows of one date share their order (the day's start), so whether they replace
 * the period's `last` is settled when the date begins: with equal orders a later line
 * wins, so then each of them does.
 */
function lastRows(run: UniformRun): number {
  const { rows, from, to, slots, values, times } = run;
  let lastSlot = -1;
  let state: PeriodAggregate | undefined;
  let count = 0;
  let last = 0;
  let takes = false;
  let matched = 0;
  for (let j = from; j < to; j++) {
    const i = rows[j]!;
    const slot = slots[i]!;
    if (slot !== lastSlot) {
      lastSlot = slot;
      const next = stateOf(run, slot, i);
      if (next !== state) {
        if (state !== undefined) [state.values, state.last] = [count, last];
        state = next;
        if (state !== undefined) [count, last] = [state.values, state.last];
      }
      if (state !== undefined) {
        const order = times[i]!;
        takes = order >= state.lastOrder;
        if (takes) state.lastOrder = order;
      }
    }
    if (state === undefined) continue;
    matched++;
    count++;
    if (takes) last = values[i]!;
  }
  if (state !== undefined) [state.values, state.last] = [count, last];
  return matched;
}
