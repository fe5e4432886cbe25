import type { Catalog } from '../config/catalog.ts';
import type { SyncResult } from '../sync/run-sync.ts';
export { describeSync } from '../app/sync-line.ts';
import { judgedAndBeside } from '../app/sync-line.ts';
import { formatBand, formatPercent, formatPeriod, formatValue, periodRole } from '../app/format.ts';
import { table } from './table.ts';

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
      result.run.status === 'ok' ? (result.run.rejected ? `ok, ${result.run.rejected} rejected` : 'ok') : `${result.run.status}: ${result.run.error?.message ?? ''}`.slice(0, 60),
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
