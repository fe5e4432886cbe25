import type { Catalog, LoadedKpi } from '../config/catalog.ts';
import type { Datapoint, HealthTransition, KrProgress } from '../domain/types.ts';
import { periodEnd, previousPeriod } from '../domain/periods.ts';
import type { SyncRun } from '../store/store.ts';
import type { SyncResult } from '../sync/run-sync.ts';
export { describeSync } from '../app/sync-line.ts';
import { judgedAndBeside } from '../app/sync-line.ts';
import { formatBand, formatPercent, formatPeriod, formatValue, periodRole } from '../app/format.ts';
import { pointView, type PeriodView } from '../app/read-model.ts';
import { table } from './table.ts';

/** One sync in `run -o json`: the run record as GET /api/runs has it, and the periods as GET /api/kpis has them. */
export interface SyncResultView {
  kpi: string;
  name: string;
  run: SyncRun;
  /** The period health and KR progress judged; null when the run failed before reading one. */
  judged: PeriodView | null;
  beside: PeriodView | null;
  health: { state: string; since: string } | null;
  transition: HealthTransition | null;
  /** Alerts and KR pushes this run queued. */
  alerts: number;
  pushes: number;
  progress: (KrProgress & { display: string; title: string; objective: string })[];
}

function periodView(kpi: LoadedKpi, role: 'closed' | 'current', period: string, point: Datapoint | undefined): PeriodView {
  return {
    role,
    roleLabel: periodRole(kpi.interval, role),
    label: formatPeriod(period, kpi.interval, kpi.timezone),
    period,
    point: point ? pointView(point, kpi) : null,
  };
}

export function syncResultView(result: SyncResult, catalog: Catalog): SyncResultView {
  const kpi = catalog.kpis.get(result.run.kpi)!;
  const { judged, beside } = judgedAndBeside(result);
  const judgedRole = kpi.evaluation.period;
  const besideRole = judgedRole === 'closed' ? 'current' : 'closed';
  const judgedPeriod = result.judgedPeriod ?? judged?.period;
  // The period beside the judged one is the next (a closed month's month to date) or the previous one.
  const besidePeriod =
    beside?.period ??
    (judgedPeriod === undefined
      ? undefined
      : judgedRole === 'closed'
        ? periodEnd(judgedPeriod, kpi.interval, kpi.timezone)
        : previousPeriod(judgedPeriod, kpi.interval, kpi.timezone));
  return {
    kpi: kpi.id,
    name: kpi.name,
    run: result.run,
    judged: judgedPeriod === undefined ? null : periodView(kpi, judgedRole, judgedPeriod, judged),
    beside: besidePeriod === undefined ? null : periodView(kpi, besideRole, besidePeriod, beside),
    health: result.health ? { state: result.health.state, since: result.health.since } : null,
    transition: result.transition ?? null,
    alerts: result.alerts ?? 0,
    pushes: result.pushes ?? 0,
    progress: result.progress.map((p) => {
      const entry = catalog.krs.get(p.kr);
      return { ...p, display: formatValue(p.value, kpi.unit), title: entry?.kr.title ?? p.kr, objective: entry?.objective.id ?? '' };
    }),
  };
}

/** The table `run --once` prints: one row per KPI, then one per KR. */
export function syncTable(results: SyncResult[], catalog: Catalog): string {
  const kpis = table(['KPI', 'period', 'value', 'beside', 'band', 'health', 'run']);
  for (const result of results) {
    const kpi = catalog.kpis.get(result.run.kpi)!;
    const { judged, beside } = judgedAndBeside(result);
    const judgedRole = periodRole(kpi.interval, kpi.evaluation.period);
    const besideRole = periodRole(kpi.interval, kpi.evaluation.period === 'closed' ? 'current' : 'closed');
    kpis.push([
      kpi.name,
      judged ? `${formatPeriod(judged.period, kpi.interval, kpi.timezone)} (${judgedRole})` : '—',
      formatValue(judged?.value, kpi.unit),
      beside ? `${besideRole}: ${formatValue(beside.value, kpi.unit)}` : '',
      formatBand(kpi.health?.band),
      result.health?.state ?? '—',
      result.run.status === 'ok'
        ? result.run.rejected
          ? `ok, ${result.run.rejected} rejected`
          : 'ok'
        : `${result.run.status}: ${result.run.error?.message ?? ''}`.slice(0, 60),
    ]);
  }
  const progress = results.flatMap((r) => r.progress);
  if (progress.length === 0) return kpis.toString();
  const krs = table(['objective', 'KR', 'kind', 'value', 'progress', 'expected', 'track']);
  for (const p of progress) {
    const entry = catalog.krs.get(p.kr);
    const kpi = entry ? catalog.kpis.get(entry.kr.kpi) : undefined;
    krs.push([
      entry?.objective.title ?? '',
      entry?.kr.title ?? p.kr,
      entry?.kr.kind ?? '',
      formatValue(p.value, kpi?.unit),
      formatPercent(p.progress),
      formatPercent(p.expected),
      p.track.replace('_', ' '),
    ]);
  }
  return `${kpis.toString()}\n${krs.toString()}`;
}
