import type { Catalog } from '../config/catalog.ts';
import type { SyncResult } from '../sync/run-sync.ts';
import type { Datapoint } from '../domain/types.ts';
import { formatPercent, formatPeriod, formatValue, periodRole } from './format.ts';

/** One human line per sync, for the log. */
export function describeSync(result: SyncResult, catalog: Catalog): string {
  const kpi = catalog.kpis.get(result.run.kpi);
  const { judged, beside } = judgedAndBeside(result);
  const parts = [`${result.run.kpi}`];
  if (result.run.status !== 'ok') {
    parts.push(`${result.run.status}: ${result.run.error?.message ?? ''}`);
  } else if (judged && kpi) {
    const role = kpi.evaluation.period === 'closed' && result.judgedPeriod ? ` (${periodRole(kpi.interval, 'closed')})` : '';
    parts.push(
      `${formatPeriod(judged.period, kpi.interval, kpi.timezone)}${role} = ${formatValue(judged.value, kpi.unit)}${judged.approximate ? ' (approx.)' : ''}`,
    );
    if (result.health) parts.push(`health ${result.health.state}`);
    if (beside && result.judgedPeriod)
      parts.push(`${periodRole(kpi.interval, kpi.evaluation.period === 'closed' ? 'current' : 'closed')} ${formatValue(beside.value, kpi.unit)}`);
  } else {
    parts.push('no value for the current period');
  }
  if (result.run.rejected) parts.push(`${result.run.rejected} row(s) rejected`);
  for (const p of result.progress) parts.push(`KR ${p.kr} ${formatPercent(p.progress)} (${p.track.replace('_', ' ')})`);
  return parts.join(' · ');
}

/**
 * The datapoint of the period the sync judged, and the other one it read beside it (a
 * KPI judged on its last closed month also reads the month to date). A backfill has
 * no judged period: its newest point stands in.
 */
export function judgedAndBeside(result: Pick<SyncResult, 'datapoints' | 'judgedPeriod'>): { judged?: Datapoint; beside?: Datapoint } {
  if (result.judgedPeriod === undefined) return { ...(result.datapoints.at(-1) ? { judged: result.datapoints.at(-1)! } : {}) };
  const judgedMs = Date.parse(result.judgedPeriod);
  const judged = result.datapoints.find((p) => Date.parse(p.period) === judgedMs);
  const beside = result.datapoints.find((p) => Date.parse(p.period) !== judgedMs);
  return { ...(judged ? { judged } : {}), ...(beside ? { beside } : {}) };
}
