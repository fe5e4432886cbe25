/**
 * A query's filters over a batch, as selections: each check copies the row indexes
 * that pass into `out` and returns how many. The copy is unconditional and the count
 * grows by 0 or 1, so there is no branch to mispredict: rows pass or fail at random
 * (a region filter lets every sixth through), which is what makes a per-row `if` slow.
 * `out` may be `rows` itself (it never writes ahead of what it reads).
 */
export interface RowCheck {
  select(rows: Int32Array, from: number, to: number, out: Int32Array): number;
}

/** String filters on a CodedColumn: a yes (1) or no (0) per code. */
export class CodeCheck implements RowCheck {
  readonly codes: Int32Array;
  readonly accept: Uint8Array;

  constructor(codes: Int32Array, accept: Uint8Array) {
    this.codes = codes;
    this.accept = accept;
  }

  /** The only code this check accepts, or -1. */
  single(): number {
    let found = -1;
    for (let code = 0; code < this.accept.length; code++) {
      if (this.accept[code] === 0) continue;
      if (found >= 0) return -1;
      found = code;
    }
    return found;
  }

  select(rows: Int32Array, from: number, to: number, out: Int32Array): number {
    const codes = this.codes;
    const accept = this.accept;
    let n = 0;
    for (let j = from; j < to; j++) {
      const i = rows[j]!;
      out[n] = i;
      n += accept[codes[i]!]!;
    }
    return n;
  }
}

/** `min`/`max`: the number column's value in range (NaN never is, as in the row test). */
export class RangeCheck implements RowCheck {
  readonly values: Float64Array;
  readonly min: number;
  readonly max: number;

  constructor(values: Float64Array, min: number, max: number) {
    this.values = values;
    this.min = min;
    this.max = max;
  }

  select(rows: Int32Array, from: number, to: number, out: Int32Array): number {
    const values = this.values;
    const min = this.min;
    const max = this.max;
    let n = 0;
    for (let j = from; j < to; j++) {
      const i = rows[j]!;
      const v = values[i]!;
      out[n] = i;
      n += v >= min && v <= max ? 1 : 0;
    }
    return n;
  }
}

/** Any other filter: its own test's answer per row (TestColumn). */
export class PassCheck implements RowCheck {
  readonly passes: Uint8Array;

  constructor(passes: Uint8Array) {
    this.passes = passes;
  }

  select(rows: Int32Array, from: number, to: number, out: Int32Array): number {
    const passes = this.passes;
    let n = 0;
    for (let j = from; j < to; j++) {
      const i = rows[j]!;
      out[n] = i;
      n += passes[i]!;
    }
    return n;
  }
}
