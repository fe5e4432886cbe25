import type { CsvAggregate } from './schema.ts';

/**
 * The running aggregate of one period. All aggregates share one shape so the row
 * loop stays monomorphic; `result` picks the one the query asked for.
 *
 * `last` is the value of the row with the latest date in the period (a later line
 * wins a tie); without a date column it is the last matching line of the file.
 */
export class PeriodAggregate {
  readonly period: string;
  /** Rows that reached this period (count_rows). */
  rows = 0;
  /** Numeric values added (count, sum, avg, min, max, last). */
  values = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  last = Number.NaN;
  lastOrder = Number.NEGATIVE_INFINITY;
  distinct: Set<string> | undefined;

  constructor(period: string) {
    this.period = period;
  }

  addValue(value: number, order: number): void {
    this.rows++;
    this.values++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (order >= this.lastOrder) {
      this.lastOrder = order;
      this.last = value;
    }
  }

  addRow(): void {
    this.rows++;
  }

  addDistinct(text: string): void {
    this.rows++;
    (this.distinct ??= new Set()).add(text);
  }

  /** The period's value, or undefined when the aggregate has nothing to say (avg of no values). */
  result(aggregate: CsvAggregate): number | undefined {
    switch (aggregate) {
      case 'count':
        return this.values;
      case 'count_rows':
        return this.rows;
      case 'count_distinct':
        return this.distinct?.size ?? 0;
      case 'sum':
        return this.sum;
      case 'avg':
        return this.values === 0 ? undefined : this.sum / this.values;
      case 'min':
        return this.values === 0 ? undefined : this.min;
      case 'max':
        return this.values === 0 ? undefined : this.max;
      case 'last':
        return this.values === 0 ? undefined : this.last;
    }
  }
}

/** Aggregates whose value for a period with no rows is 0 rather than "no value". */
export function zeroWhenEmpty(aggregate: CsvAggregate): boolean {
  return aggregate === 'count' || aggregate === 'count_rows' || aggregate === 'count_distinct' || aggregate === 'sum';
}

/**
 * Aggregates that read numbers from the value column. `count` is one of them: it
 * counts the rows whose value parses, so it agrees with `sum` about which rows exist;
 * `count_rows` counts every row that passes the filters.
 */
export function isNumeric(aggregate: CsvAggregate): boolean {
  return aggregate !== 'count_rows' && aggregate !== 'count_distinct';
}
