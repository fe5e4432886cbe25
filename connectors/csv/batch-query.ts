import type { PeriodAggregate } from './aggregate.ts';
import type { CodedColumn } from './coded-column.ts';
import type { DateColumn } from './date-column.ts';
import { INSTANT, LOCAL_DATE } from './dates.ts';
import type { CsvEvaluator } from './evaluate.ts';
import type { RecordBatch } from './record-batch.ts';
import type { RowCheck } from './row-checks.ts';
import { OUTSIDE, uniformRows } from './uniform-rows.ts';
import { BLANK, type NumberColumn, type TextColumn } from './value-columns.ts';

/** How a matched row is added: its value, the row itself, or its text. */
export const ADD_VALUE = 0;
export const ADD_ROW = 1;
export const ADD_DISTINCT = 2;

/** What BatchPlan gives a query: its filters as checks, and the columns it reads. */
export interface BatchQueryParts {
  /** A filter accepting one code only, whose rows the coded column lists: the query visits only those. */
  base?: { column: CodedColumn; code: number };
  /** The other filters. */
  checks: RowCheck[];
  date?: DateColumn;
  number?: NumberColumn;
  text?: TextColumn;
  add: typeof ADD_VALUE | typeof ADD_ROW | typeof ADD_DISTINCT;
}

const NO_BYTES = new Uint8Array(0);
const NO_INTS = new Int32Array(0);
const NO_FLOATS = new Float64Array(0);

/**
 * One query of a shared scan, run over a batch: its filters select rows (row-checks.ts),
 * then one loop takes each selected row through the steps CsvEvaluator.onRecord takes
 * for a record, in the same order and with the same counters and rejects: date
 * (unreadable: rejected; outside the window: skipped), value (blank: counted; not a
 * number: rejected, with a separator hint for the first few), period, aggregate.
 */
export class BatchQuery {
  readonly #ev: CsvEvaluator;
  readonly #parts: BatchQueryParts;
  /** Per DateColumn slot (a local date): the period state of that date, OUTSIDE the window (as a plain date), or undefined until asked. */
  readonly #slotStates: (PeriodAggregate | undefined)[] = [];
  /** Resolves row `i`'s date in slotStates, asking the buckets once per date. */
  readonly #resolve = (i: number): PeriodAggregate => {
    const { slots, keys } = this.#parts.date!;
    const slot = slots[i]!;
    const key = keys[i]!;
    const states = this.#slotStates;
    // Grown densely: an array written far past its end turns into a slow dictionary.
    while (states.length <= slot) states.push(undefined);
    const { firstDay, endDay } = this.#ev.bounds;
    return (states[slot] = key < firstDay || key >= endDay ? OUTSIDE : this.#ev.buckets.forLocalDate(key));
  };

  constructor(evaluator: CsvEvaluator, parts: BatchQueryParts) {
    this.#ev = evaluator;
    this.#parts = parts;
  }

  /** Evaluates the batch's rows and events; `scratch` holds the selection (one per scan, queries run one at a time). */
  run(batch: RecordBatch, scratch: Int32Array): void {
    const { base, checks } = this.#parts;
    let rows = batch.all;
    let from = 0;
    let to = batch.size;
    if (base) ({ rows, from, to } = base.column.rowsWith(base.code, batch.id, batch.size));
    for (const check of checks) {
      to = check.select(rows, from, to, scratch);
      rows = scratch;
      from = 0;
    }
    // The events go between the selected rows by position: rejects stay in line order.
    let j = from;
    for (let e = 0; e < batch.eventAt.length; e++) {
      const at = batch.eventAt[e]!;
      let k = j;
      while (k < to && rows[k]! < at) k++;
      if (k > j) this.#rows(batch, rows, j, k);
      j = k;
      this.#ev.reject(batch.eventLine[e]!, batch.eventReason[e]!);
    }
    if (j < to) this.#rows(batch, rows, j, to);
  }

  #rows(batch: RecordBatch, rows: Int32Array, from: number, to: number): void {
    const ev = this.#ev;
    const { date, number, text, add } = this.#parts;
    const aggregate = ev.aggregate;
    if (date !== undefined && date.irregular === 0 && aggregate !== 'count_distinct' && (number ? number.nans === 0 : !text || text.blanks === 0)) {
      const values = number ? number.values : date.ms;
      ev.rowsMatched += uniformRows({
        rows,
        from,
        to,
        slots: date.slots,
        times: date.ms,
        values,
        aggregate,
        slotStates: this.#slotStates,
        resolve: this.#resolve,
      });
      return;
    }
    const lines = batch.lines;
    const hasDate = date !== undefined;
    const kinds = date ? date.kinds : NO_BYTES;
    const keys = date ? date.keys : NO_INTS;
    const times = date ? date.ms : NO_FLOATS;
    const slots = date ? date.slots : NO_INTS;
    const values = number ? number.values : NO_FLOATS;
    const flags = number ? number.flags : NO_BYTES;
    const blanks = text ? text.blank : NO_BYTES;
    const texts = text ? text.texts : [];
    const { firstDay, endDay, startMs, endMs, wallStart, wallEnd } = ev.bounds;
    const buckets = ev.buckets;
    let matched = 0;
    let blankValues = 0;
    let lastSlot = -1;
    let lastState: PeriodAggregate | undefined;
    for (let j = from; j < to; j++) {
      const i = rows[j]!;
      let order = lines[i]!;
      let kind = 0;
      if (hasDate) {
        kind = kinds[i]!;
        if (kind === 0) {
          ev.rejectDate(order, date!.bad.excerpt(i));
          continue;
        }
        const ms = times[i]!;
        if (kind === LOCAL_DATE) {
          const key = keys[i]!;
          if (key < firstDay || key >= endDay) continue;
        } else if (kind === INSTANT) {
          if (ms < startMs || ms >= endMs) continue;
        } else if (ms < wallStart || ms >= wallEnd) {
          continue;
        }
        order = ms;
      }
      let value = 0;
      if (number !== undefined) {
        value = values[i]!;
        if (Number.isNaN(value)) {
          if (flags[i] === BLANK) blankValues++;
          else if (ev.rejectNumber(lines[i]!, number.bad.excerpt(i))) ev.hint(number.bad.hint(i));
          continue;
        }
      } else if (text !== undefined && blanks[i] === 1) {
        blankValues++;
        continue;
      }
      let state: PeriodAggregate;
      if (!hasDate) {
        state = ev.windowAggregate();
      } else if (kind === INSTANT) {
        state = buckets.forInstant(order);
      } else {
        const slot = slots[i]!;
        if (slot >= 0 && slot === lastSlot) {
          state = lastState!;
        } else {
          // A slot's state is OUTSIDE when its date is before the window: a wall time on that date may still be in it.
          const cached = slot >= 0 ? (this.#slotStates[slot] ?? this.#resolve(i)) : OUTSIDE;
          state = cached === OUTSIDE ? buckets.forLocalDate(keys[i]!) : cached;
          lastSlot = slot;
          lastState = state;
        }
      }
      matched++;
      if (add === ADD_VALUE) state.addValue(value, order);
      else if (add === ADD_ROW) state.addRow();
      else state.addDistinct(texts[i]!);
    }
    ev.rowsMatched += matched;
    ev.blankValues += blankValues;
  }
}
