import Table from 'cli-table3';
import { DateTime } from 'luxon';
import type { Interval } from '../domain/types.ts';

/** A period start as people write it: 2026-11-23, 2026-W48, 2026-11, 2026-Q4. */
export function formatPeriod(period: string, interval: Interval, zone: string): string {
  const dt = DateTime.fromISO(period, { zone });
  switch (interval) {
    case 'day':
      return dt.toFormat('yyyy-MM-dd');
    case 'week':
      return `${dt.toFormat('kkkk')}-W${dt.toFormat('WW')}`;
    case 'month':
      return dt.toFormat('yyyy-MM');
    case 'quarter':
      return `${dt.toFormat('yyyy')}-Q${dt.quarter}`;
  }
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

export function formatValue(value: number | undefined, unit?: string): string {
  if (value === undefined) return '—';
  const text = numberFormat.format(value);
  if (!unit) return text;
  return unit === '%' ? `${text}%` : `${text} ${unit}`;
}

export function formatPercent(fraction: number | undefined): string {
  return fraction === undefined ? '—' : `${Math.round(fraction * 100)}%`;
}

export function formatBand(band: { min?: number; max?: number; warnMin?: number; warnMax?: number } | undefined): string {
  if (!band) return '';
  const lo = band.min ?? band.warnMin;
  const hi = band.max ?? band.warnMax;
  if (lo !== undefined && hi !== undefined) return `${numberFormat.format(lo)}–${numberFormat.format(hi)}`;
  if (lo !== undefined) return `≥ ${numberFormat.format(lo)}`;
  if (hi !== undefined) return `≤ ${numberFormat.format(hi)}`;
  return '';
}

/** A cli-table3 table; colours only on a terminal, so piped output and logs stay plain text. */
export function table(head: string[]): Table.Table {
  const plain = !process.stdout.isTTY;
  return new Table({ head, ...(plain ? { style: { head: [], border: [] } } : {}) });
}
