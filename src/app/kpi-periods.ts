import type { LoadedKpi } from '../config/catalog.ts';
import { currentWindow, previousPeriod } from '../domain/periods.ts';
import type { Datapoint } from '../domain/types.ts';
import type { Store } from '../store/store.ts';
import { formatPeriod, periodRole } from './format.ts';

/** One of the two periods a KPI is shown with. */
export interface ShownPeriod {
  role: 'closed' | 'current';
  /** "last month", "month to date", "yesterday", "today". */
  roleLabel: string;
  /** The period as people write it: 2026-11. */
  label: string;
  /** Start of the period (ISO with offset). */
  period: string;
  point?: Datapoint;
}

/**
 * The period a KPI's health and KR progress judge (its `evaluation`: the last closed
 * one or the current one) and the other one, shown beside it so nobody mistakes a
 * month to date for a month: "2026-11 (last month) = 48,130 USD · month to date 12,000 USD".
 */
export async function shownPeriods(kpi: LoadedKpi, store: Pick<Store, 'listDatapoints'>, now: Date): Promise<{ judged: ShownPeriod; beside: ShownPeriod }> {
  const current = currentWindow(now, kpi.interval, kpi.timezone);
  const closedStart = previousPeriod(current.start, kpi.interval, kpi.timezone);
  const points = await store.listDatapoints(kpi.id, { from: closedStart, to: current.end });
  const at = (start: string, role: 'closed' | 'current'): ShownPeriod => {
    const point = points.find((p) => Date.parse(p.period) === Date.parse(start));
    return {
      role,
      roleLabel: periodRole(kpi.interval, role),
      label: formatPeriod(start, kpi.interval, kpi.timezone),
      period: start,
      ...(point ? { point } : {}),
    };
  };
  const closed = at(closedStart, 'closed');
  const open = at(current.start, 'current');
  return kpi.evaluation.period === 'closed' ? { judged: closed, beside: open } : { judged: open, beside: closed };
}
