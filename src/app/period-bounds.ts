import type { LoadedKpi } from '../config/catalog.ts';
import { parseDateInZone, periodEnd, periodStart } from '../domain/periods.ts';

/** Store bounds on period starts: `from` inclusive, `to` exclusive; either may be open. */
export interface PeriodBounds {
  from?: string;
  to?: string;
}

/**
 * `from` is the first period to include and `to` the last: periods that start on or
 * after `from` and on or before `to`, where a date (2026-03-31) stands for its whole
 * day in the KPI's time zone. Returns the store's [from, to) bounds, or an error text
 * naming the bad one. The read API, the KPI page and `kpi-sync history` all read
 * `?from=&to=` / `--from --to` through this, so a date means the same everywhere.
 */
export function periodBounds(kpi: Pick<LoadedKpi, 'timezone'>, from?: string, to?: string): PeriodBounds | string {
  const bounds: PeriodBounds = {};
  if (from !== undefined) {
    const at = parseDateInZone(from, kpi.timezone);
    if (at === undefined) return `from: not a date or ISO instant: ${JSON.stringify(from.slice(0, 40))}`;
    bounds.from = at;
  }
  if (to !== undefined) {
    const at = parseDateInZone(to, kpi.timezone);
    if (at === undefined) return `to: not a date or ISO instant: ${JSON.stringify(to.slice(0, 40))}`;
    bounds.to = /^\d{4}-\d{2}-\d{2}$/.test(to.trim())
      ? periodEnd(periodStart(at, 'day', kpi.timezone), 'day', kpi.timezone)
      : new Date(Date.parse(at) + 1).toISOString();
  }
  return bounds;
}
