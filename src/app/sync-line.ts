import type { Catalog } from '../config/catalog.ts';
import type { SyncResult } from '../sync/run-sync.ts';
import { formatPercent, formatPeriod, formatValue } from './format.ts';

/** One human line per sync, for the log. */
export function describeSync(result: SyncResult, catalog: Catalog): string {
  const kpi = catalog.kpis.get(result.run.kpi);
  const latest = result.datapoints.at(-1);
  const parts = [`${result.run.kpi}`];
  if (result.run.status !== 'ok') {
    parts.push(`${result.run.status}: ${result.run.error?.message ?? ''}`);
  } else if (latest && kpi) {
    parts.push(`${formatPeriod(latest.period, kpi.interval, kpi.timezone)} = ${formatValue(latest.value, kpi.unit)}${latest.approximate ? ' (approx.)' : ''}`);
    if (result.health) parts.push(`health ${result.health.state}`);
  } else {
    parts.push('no value for the current period');
  }
  if (result.run.rejected) parts.push(`${result.run.rejected} row(s) rejected`);
  for (const p of result.progress) parts.push(`KR ${p.kr} ${formatPercent(p.progress)} (${p.track.replace('_', ' ')})`);
  return parts.join(' · ');
}

