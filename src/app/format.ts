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

type Band = { min?: number; max?: number; warnMin?: number; warnMax?: number };

/**
 * A health band as the edges that change its state, both of them: "warn > 6 · critical
 * > 7.5", "warn < 40,000 · critical < 30,000", "warn < 2.5 or > 4 · critical < 2 or > 5".
 * Showing only the outer edge hid why a KPI at 6.05 was in warn.
 */
export function formatBand(band: Band | undefined): string {
  if (!band) return '';
  const edges = (low: number | undefined, high: number | undefined) =>
    [low === undefined ? undefined : `< ${numberFormat.format(low)}`, high === undefined ? undefined : `> ${numberFormat.format(high)}`]
      .filter(Boolean)
      .join(' or ');
  const warn = edges(band.warnMin, band.warnMax);
  const critical = edges(band.min, band.max);
  return [warn && `warn ${warn}`, critical && `critical ${critical}`].filter(Boolean).join(' · ');
}

/** A range to stay in (a maintain KR's band): "2–4", "≥ 100", "≤ 7.5". */
export function formatRange(band: Band | undefined): string {
  if (!band) return '';
  const lo = band.min ?? band.warnMin;
  const hi = band.max ?? band.warnMax;
  if (lo !== undefined && hi !== undefined) return `${numberFormat.format(lo)}–${numberFormat.format(hi)}`;
  if (lo !== undefined) return `≥ ${numberFormat.format(lo)}`;
  if (hi !== undefined) return `≤ ${numberFormat.format(hi)}`;
  return '';
}

/** What the period a KPI is judged on (or the other one shown beside it) is called: "last month", "month to date". */
export function periodRole(interval: Interval, role: 'closed' | 'current'): string {
  const names = {
    day: ['yesterday', 'today'],
    week: ['last week', 'week to date'],
    month: ['last month', 'month to date'],
    quarter: ['last quarter', 'quarter to date'],
  } as const;
  return names[interval][role === 'closed' ? 0 : 1];
}
