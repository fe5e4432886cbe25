import type { LoadedKpi } from '../config/catalog.ts';
import type { Datapoint } from '../domain/types.ts';
import { formatPeriod, formatValue } from '../app/format.ts';
import { table } from './table.ts';

/** Rows a backfill lists when it is done: enough to eyeball the values; `history` shows them all. */
export const WRITTEN_SHOWN = 50;

/** The periods and values a backfill wrote, oldest first, at most WRITTEN_SHOWN rows and a count of the rest. */
export function writtenTable(kpi: Pick<LoadedKpi, 'id' | 'interval' | 'timezone' | 'unit'>, points: readonly Datapoint[]): string {
  const rows = table(['period', 'value']);
  for (const p of points.slice(0, WRITTEN_SHOWN)) {
    rows.push([formatPeriod(p.period, kpi.interval, kpi.timezone), `${formatValue(p.value, kpi.unit)}${p.approximate ? ' (approx.)' : ''}`]);
  }
  const more = points.length - WRITTEN_SHOWN;
  return more > 0 ? `${rows.toString()}\n… ${more} more; \`kpi-sync history --kpi ${kpi.id} --from DATE --to DATE\` lists them all` : rows.toString();
}
