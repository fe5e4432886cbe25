import type { Catalog, LoadedKpi } from '../config/catalog.ts';
import type { KrConfig, ObjectiveConfig } from '../config/schema.ts';
import type { Band, Datapoint, HealthState, Interval, KrProgress } from '../domain/types.ts';
import type { Store, SyncRun } from '../store/store.ts';
import { formatBand, formatPeriod, formatValue } from './format.ts';
import { shownPeriods, type ShownPeriod } from './kpi-periods.ts';

/**
 * What the read API, the dashboard and the CLI's `--output json` show, read from the
 * catalog in force and the store. Here in src/app, not in src/server, because the CLI
 * prints the same documents and may not import the server. Shapes here are the API's
 * JSON: add fields freely, rename none.
 */

export interface PointView {
  period: string;
  /** The period as people write it: 2026-11-23, 2026-W48, 2026-11, 2026-Q4. */
  label: string;
  value: number;
  /** Value with its unit, formatted for display. */
  display: string;
  observedAt: string;
  /** Connection id, or `formula`. */
  source: string;
  approximate?: boolean;
}

export interface RunSummary {
  id: string;
  status: SyncRun['status'];
  mode: SyncRun['mode'];
  startedAt: string;
  finishedAt?: string;
  error?: { code: string; message: string };
  /** Rows or records the run could not use, the first few with their line (or record id), and the connector's guess at why. */
  rejected?: number;
  rejects?: { where: number | string; reason: string }[];
  hints?: string[];
}

/** Rejected rows a summary carries: enough to point at the file, not the run record's hundred. */
export const SUMMARY_REJECTS = 5;

export interface KpiView {
  id: string;
  name: string;
  description?: string;
  category: string;
  unit?: string;
  interval: Interval;
  timezone: string;
  indicator?: 'leading' | 'lagging';
  /** Connection id, or undefined for a formula KPI. */
  connection?: string;
  formula?: string;
  band?: Band;
  /** The band as text ("30,000–40,000", "≤ 7.5"); empty when the KPI has none. */
  bandText: string;
  health: { state: HealthState; since: string } | null;
  /** The newest stored period (it may be the current, still moving one). */
  latest: PointView | null;
  /** Which period health and KR progress judge, and why (`evaluate`, or inferred). */
  evaluate: { period: 'closed' | 'current'; reason: string };
  /** That period's value: null when it has none yet. */
  judged: PeriodView;
  /** The other period, shown beside it ("month to date" next to "last month", or the reverse). */
  beside: PeriodView;
  lastRun: RunSummary | null;
}

export interface PeriodView {
  role: 'closed' | 'current';
  /** "last month", "month to date". */
  roleLabel: string;
  /** 2026-11 */
  label: string;
  period: string;
  point: PointView | null;
}

export interface KrView {
  id: string;
  title: string;
  kpi: string;
  kind: 'committed' | 'aspirational';
  direction: 'increase' | 'decrease' | 'maintain';
  start?: number;
  target?: number;
  band?: Band;
  startDate: string;
  dueDate: string;
  owner?: string;
  indicator?: 'leading' | 'lagging';
  /** Latest recorded progress; null until the KR's KPI has synced once. */
  progress: (KrProgress & { display: string }) | null;
}

export interface ObjectiveView {
  id: string;
  title: string;
  description?: string;
  owner?: string;
  krs: KrView[];
}

export function pointView(point: Datapoint, kpi: Pick<LoadedKpi, 'interval' | 'timezone' | 'unit'>): PointView {
  const view: PointView = {
    period: point.period,
    label: formatPeriod(point.period, kpi.interval, kpi.timezone),
    value: point.value,
    display: formatValue(point.value, kpi.unit),
    observedAt: point.observedAt,
    source: point.source,
  };
  if (point.approximate) view.approximate = true;
  return view;
}

export function runSummary(run: SyncRun): RunSummary {
  const summary: RunSummary = { id: run.id, status: run.status, mode: run.mode, startedAt: run.startedAt };
  if (run.finishedAt) summary.finishedAt = run.finishedAt;
  if (run.error) summary.error = run.error;
  if (run.rejected) {
    summary.rejected = run.rejected;
    summary.rejects = (run.rejects ?? []).slice(0, SUMMARY_REJECTS);
    if (run.hints?.length) summary.hints = run.hints;
  }
  return summary;
}

export async function kpiView(kpi: LoadedKpi, store: Store, now: Date): Promise<KpiView> {
  const [latest, health, runs, shown] = await Promise.all([
    store.latestDatapoint(kpi.id),
    store.getHealth(kpi.id),
    store.listRuns({ kpi: kpi.id, limit: 1 }),
    shownPeriods(kpi, store, now),
  ]);
  const periodView = (p: ShownPeriod): PeriodView => shownPeriodView(p, kpi);
  const view: KpiView = {
    id: kpi.id,
    name: kpi.name,
    category: kpi.category,
    interval: kpi.interval,
    timezone: kpi.timezone,
    bandText: formatBand(kpi.health?.band),
    health: health ? { state: health.state, since: health.since } : null,
    latest: latest ? pointView(latest, kpi) : null,
    evaluate: kpi.evaluation,
    judged: periodView(shown.judged),
    beside: periodView(shown.beside),
    lastRun: runs[0] ? runSummary(runs[0]) : null,
  };
  if (kpi.description) view.description = kpi.description;
  if (kpi.unit) view.unit = kpi.unit;
  if (kpi.indicator) view.indicator = kpi.indicator;
  if (kpi.source) view.connection = kpi.source.connection;
  if (kpi.formula) view.formula = kpi.formula;
  if (kpi.health) view.band = kpi.health.band;
  return view;
}

/** Every KPI of the catalog in config order. */
export function listKpiViews(catalog: Catalog, store: Store, now: Date): Promise<KpiView[]> {
  return Promise.all([...catalog.kpis.values()].map((kpi) => kpiView(kpi, store, now)));
}

export function shownPeriodView(p: ShownPeriod, kpi: Pick<LoadedKpi, 'interval' | 'timezone' | 'unit'>): PeriodView {
  return { role: p.role, roleLabel: p.roleLabel, label: p.label, period: p.period, point: p.point ? pointView(p.point, kpi) : null };
}

/** One KR with its latest progress (`unit` is its KPI's, for the value's display). */
export function krView(kr: KrConfig, progress: KrProgress | undefined, unit: string | undefined): KrView {
  const view: KrView = {
    id: kr.id,
    title: kr.title,
    kpi: kr.kpi,
    kind: kr.kind,
    direction: kr.direction,
    startDate: kr.startDate,
    dueDate: kr.dueDate,
    progress: progress ? { ...progress, display: formatValue(progress.value, unit) } : null,
  };
  if (kr.start !== undefined) view.start = kr.start;
  if (kr.target !== undefined) view.target = kr.target;
  if (kr.band) view.band = kr.band;
  if (kr.owner) view.owner = kr.owner;
  if (kr.indicator) view.indicator = kr.indicator;
  return view;
}

/** The KRs measured by one KPI, each with the objective it belongs to. */
export function listKrViewsOf(catalog: Catalog, kpi: string, store: Store): Promise<(KrView & { objective: { id: string; title: string } })[]> {
  const unit = catalog.kpis.get(kpi)?.unit;
  return Promise.all(
    (catalog.krsByKpi.get(kpi) ?? []).map(async ({ kr, objective }: { kr: KrConfig; objective: ObjectiveConfig }) => ({
      ...krView(kr, await store.latestProgress(kr.id), unit),
      objective: { id: objective.id, title: objective.title },
    })),
  );
}

export async function listObjectiveViews(catalog: Catalog, store: Store): Promise<ObjectiveView[]> {
  return Promise.all(
    catalog.objectives.map(async (objective) => {
      const view: ObjectiveView = { id: objective.id, title: objective.title, krs: [] };
      if (objective.description) view.description = objective.description;
      if (objective.owner) view.owner = objective.owner;
      for (const kr of objective.krs) {
        view.krs.push(krView(kr, await store.latestProgress(kr.id), catalog.kpis.get(kr.kpi)?.unit));
      }
      return view;
    }),
  );
}
