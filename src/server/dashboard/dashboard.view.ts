import type { Catalog } from '../../config/catalog.ts';
import type { Interval } from '../../domain/types.ts';
import type { Store } from '../../store/store.ts';
import { listKpiViews, listObjectiveViews, pointView, type KpiView, type ObjectiveView, type PointView } from '../../app/read-model.ts';

/** Periods a sparkline shows: about a month of days, a quarter of weeks, a year of months, two of quarters. */
export const SPARK_PERIODS: Record<Interval, number> = { day: 30, week: 13, month: 12, quarter: 8 };

export interface KpiCard extends KpiView {
  /** Recent periods, oldest first. */
  spark: PointView[];
}

export interface FailingConnection {
  id: string;
  type: string;
  /** The KPIs whose latest run on this connection failed. */
  failures: { kpi: string; code: string; message: string; at: string }[];
}

export interface DashboardView {
  /** When the page was built (ISO). */
  now: string;
  categories: { name: string; kpis: KpiCard[] }[];
  objectives: ObjectiveView[];
  /** The most recent finished sync run of any KPI. */
  lastSync?: { at: string; kpi: string; status: string };
  connections: number;
  failing: FailingConnection[];
}

/** Everything the dashboard shows, read in one go; rendering is then pure. */
export async function buildDashboardView(catalog: Catalog, store: Store, now: Date): Promise<DashboardView> {
  const [kpis, objectives] = await Promise.all([listKpiViews(catalog, store, now), listObjectiveViews(catalog, store)]);

  const categories = new Map<string, KpiCard[]>();
  for (const view of kpis) {
    const kpi = catalog.kpis.get(view.id)!;
    const points = await store.listDatapoints(kpi.id, { limit: SPARK_PERIODS[kpi.interval] });
    const card: KpiCard = { ...view, spark: points.map((p) => pointView(p, kpi)) };
    const list = categories.get(view.category);
    if (list) list.push(card);
    else categories.set(view.category, [card]);
  }

  let lastSync: DashboardView['lastSync'];
  const failing = new Map<string, FailingConnection>();
  for (const view of kpis) {
    const run = view.lastRun;
    if (!run?.finishedAt) continue;
    if (!lastSync || run.finishedAt > lastSync.at) lastSync = { at: run.finishedAt, kpi: view.id, status: run.status };
    if (run.status !== 'failed' || !view.connection) continue;
    const connection = catalog.connections.get(view.connection);
    let entry = failing.get(view.connection);
    if (!entry) failing.set(view.connection, (entry = { id: view.connection, type: connection?.type ?? 'unknown', failures: [] }));
    entry.failures.push({ kpi: view.id, code: run.error?.code ?? 'KS_ERR_INTERNAL', message: run.error?.message ?? 'failed', at: run.finishedAt });
  }

  return {
    now: now.toISOString(),
    categories: [...categories].map(([name, list]) => ({ name, kpis: list })),
    objectives,
    ...(lastSync ? { lastSync } : {}),
    connections: catalog.connections.size,
    failing: [...failing.values()],
  };
}
