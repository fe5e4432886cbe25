import { kpiHistory, type HistoryQuery, type HistoryView } from '../../app/kpi-history.ts';
import { kpiView, listKrViewsOf, type KpiView, type KrView } from '../../app/read-model.ts';
import type { Catalog, LoadedKpi } from '../../config/catalog.ts';
import { periodStart } from '../../domain/periods.ts';
import type { Store, SyncRun } from '../../store/store.ts';

/** Runs the page lists: enough to see a pattern (every 5 minutes, the last hour). */
export const RUNS_SHOWN = 12;

export interface KpiPageView {
  now: string;
  kpi: KpiView;
  history: HistoryView;
  /** First and last period of the range, for the chart's axis (absent where the range is open). */
  axis: { first?: string; last?: string };
  runs: SyncRun[];
  krs: (KrView & { objective: { id: string; title: string } })[];
  /** The dates asked for, to fill in the range form again. */
  query: { from?: string; to?: string };
}

/** Everything `/kpis/:id` shows, read in one go; rendering is then pure. A string is what is wrong with the range. */
export async function buildKpiPageView(catalog: Catalog, store: Store, kpi: LoadedKpi, query: HistoryQuery, now: Date): Promise<KpiPageView | string> {
  const history = await kpiHistory(kpi, store, query, now);
  if (typeof history === 'string') return history;
  const [view, runs, krs] = await Promise.all([
    kpiView(kpi, store, now),
    store.listRuns({ kpi: kpi.id, limit: RUNS_SHOWN }),
    listKrViewsOf(catalog, kpi.id, store),
  ]);
  const { from, to } = history.range;
  const axis: KpiPageView['axis'] = {};
  if (from) axis.first = periodStart(from, kpi.interval, kpi.timezone);
  if (to) axis.last = periodStart(new Date(Date.parse(to) - 1).toISOString(), kpi.interval, kpi.timezone);
  return {
    now: now.toISOString(),
    kpi: view,
    history,
    axis,
    runs,
    krs,
    query: { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) },
  };
}
