import type { LoadedKpi } from '../config/catalog.ts';
import { currentWindow, periodStart, previousPeriod } from '../domain/periods.ts';
import type { Band, HealthState, HealthTransition, Interval } from '../domain/types.ts';
import type { Store } from '../store/store.ts';
import { formatBand, formatPeriod, formatValue } from './format.ts';
import { periodBounds, type PeriodBounds } from './period-bounds.ts';
import { pointView, type PointView } from './read-model.ts';

/** Periods shown when no range is given: a quarter of days, a year of weeks, two years of months, three of quarters. */
export const HISTORY_PERIODS: Record<Interval, number> = { day: 90, week: 52, month: 24, quarter: 12 };

/** Datapoints one history holds: the most recent N of the range. */
export const HISTORY_LIMIT = { default: 1_000, max: 10_000 };

export interface TransitionView {
  /** When the sync that decided it ran. */
  at: string;
  from: HealthState;
  to: HealthState;
  value?: number;
  display?: string;
  /** The period whose value moved it, and its label. */
  period?: string;
  label?: string;
}

/** A KPI's stored history over a range: `GET /api/kpis/:id/history`, the KPI page's chart and `kpi-sync history`. */
export interface HistoryView {
  kpi: string;
  name: string;
  interval: Interval;
  timezone: string;
  unit?: string;
  band?: Band;
  bandText: string;
  range: {
    /** First period start included (ISO); absent: open. */
    from?: string;
    /** Period starts before this are included (ISO, exclusive); absent: open. */
    to?: string;
    /** True when no range was asked for: the last HISTORY_PERIODS periods up to the current one. */
    default: boolean;
    /** "2024-12 to 2026-11", "from 2025-01", "until 2025-06", "all periods". */
    label: string;
  };
  /** Oldest first. */
  datapoints: PointView[];
  /** True when the range holds more datapoints than `limit`: only the most recent are listed. */
  truncated: boolean;
  /** Health transitions decided on a period in the listed span (or, without a period, at an instant in it), oldest first. */
  transitions: TransitionView[];
}

export interface HistoryQuery {
  /** A date (its whole day, in the KPI's zone) or an ISO instant. */
  from?: string | undefined;
  to?: string | undefined;
  limit?: number | undefined;
}

/** The range asked for, or the default one (the last HISTORY_PERIODS periods, the current one included); an error text for a bad date. */
export function historyBounds(
  kpi: Pick<LoadedKpi, 'interval' | 'timezone'>,
  query: HistoryQuery,
  now: Date,
): { bounds: PeriodBounds; isDefault: boolean } | string {
  if (query.from !== undefined || query.to !== undefined) {
    const bounds = periodBounds(kpi, query.from, query.to);
    if (typeof bounds === 'string') return bounds;
    if (bounds.from && bounds.to && Date.parse(bounds.from) >= Date.parse(bounds.to)) return `from: ${query.from} is after to: ${query.to}`;
    return { bounds, isDefault: false };
  }
  const current = currentWindow(now, kpi.interval, kpi.timezone);
  let from = current.start;
  for (let i = 1; i < HISTORY_PERIODS[kpi.interval]; i++) from = previousPeriod(from, kpi.interval, kpi.timezone);
  return { bounds: { from, to: current.end }, isDefault: true };
}

function rangeLabel(kpi: Pick<LoadedKpi, 'interval' | 'timezone'>, bounds: PeriodBounds): string {
  const label = (at: string) => formatPeriod(periodStart(at, kpi.interval, kpi.timezone), kpi.interval, kpi.timezone);
  // `to` is exclusive: the last period included is the one holding the instant before it.
  const last = bounds.to ? label(new Date(Date.parse(bounds.to) - 1).toISOString()) : undefined;
  if (bounds.from && last) return `${label(bounds.from)} to ${last}`;
  if (bounds.from) return `from ${label(bounds.from)}`;
  if (last) return `until ${last}`;
  return 'all periods';
}

function transitionView(t: HealthTransition, kpi: Pick<LoadedKpi, 'interval' | 'timezone' | 'unit'>): TransitionView {
  const view: TransitionView = { at: t.at, from: t.from, to: t.to };
  if (t.value !== undefined) Object.assign(view, { value: t.value, display: formatValue(t.value, kpi.unit) });
  if (t.period !== undefined) Object.assign(view, { period: t.period, label: formatPeriod(t.period, kpi.interval, kpi.timezone) });
  return view;
}

/** Reads a KPI's history; a string is what is wrong with the query's dates. */
export async function kpiHistory(
  kpi: LoadedKpi,
  store: Pick<Store, 'listDatapoints' | 'listTransitions'>,
  query: HistoryQuery,
  now: Date,
): Promise<HistoryView | string> {
  const range = historyBounds(kpi, query, now);
  if (typeof range === 'string') return range;
  const { bounds, isDefault } = range;
  const limit = query.limit ?? HISTORY_LIMIT.default;
  // One more than asked says whether the range holds more than the limit.
  const [points, transitions] = await Promise.all([store.listDatapoints(kpi.id, { ...bounds, limit: limit + 1 }), store.listTransitions(kpi.id)]);
  const truncated = points.length > limit;
  const shown = truncated ? points.slice(1) : points;
  // Transitions are judged by the period they were decided on: a backfill decides many at one instant.
  const lo = truncated ? Date.parse(shown[0]!.period) : bounds.from ? Date.parse(bounds.from) : -Infinity;
  const hi = bounds.to ? Date.parse(bounds.to) : Infinity;
  const inSpan = (t: HealthTransition) => {
    const ms = Date.parse(t.period ?? t.at);
    return ms >= lo && ms < hi;
  };
  return {
    kpi: kpi.id,
    name: kpi.name,
    interval: kpi.interval,
    timezone: kpi.timezone,
    ...(kpi.unit ? { unit: kpi.unit } : {}),
    ...(kpi.health ? { band: kpi.health.band } : {}),
    bandText: formatBand(kpi.health?.band),
    range: { ...bounds, default: isDefault, label: rangeLabel(kpi, bounds) },
    datapoints: shown.map((p) => pointView(p, kpi)),
    truncated,
    transitions: transitions.filter(inSpan).map((t) => transitionView(t, kpi)),
  };
}
