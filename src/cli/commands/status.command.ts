import type { Command } from 'commander';
import { formatPercent } from '../../app/format.ts';
import { listKpiViews, listObjectiveViews, type KpiView, type ObjectiveView } from '../../app/read-model.ts';
import { outputOption, printJson, type OutputFormat } from '../output.ts';
import { table } from '../table.ts';
import { withApp } from '../with-app.ts';

/** The tables `status` prints, from the same views as GET /api/kpis and /api/objectives (and `status -o json`). */
export function statusTables(kpis: KpiView[], objectives: ObjectiveView[]): string {
  const kpiRows = table(['KPI', 'category', 'period', 'value', 'beside', 'band', 'health', 'last run']);
  for (const kpi of kpis) {
    const { judged, beside, lastRun: run } = kpi;
    kpiRows.push([
      kpi.name,
      kpi.category,
      `${judged.label} (${judged.roleLabel})`,
      judged.point?.display ?? '—',
      `${beside.roleLabel}: ${beside.point?.display ?? '—'}`,
      kpi.bandText,
      kpi.health?.state ?? '—',
      run ? `${run.status} ${run.finishedAt ?? run.startedAt}` : 'never',
    ]);
  }
  const krRows = table(['objective', 'KR', 'progress', 'expected', 'track', 'as of']);
  for (const objective of objectives) {
    for (const kr of objective.krs) {
      const p = kr.progress;
      krRows.push([objective.title, kr.title, formatPercent(p?.progress), formatPercent(p?.expected), p?.track.replace('_', ' ') ?? '—', p?.at ?? '—']);
    }
  }
  return [kpiRows.toString(), krRows.toString(), ...rejectedRows(kpis)].join('\n');
}

/**
 * The rows each KPI's latest run could not use, with their line numbers (or record
 * ids), so a bad export is found from `status` without opening the run record.
 */
function rejectedRows(kpis: KpiView[]): string[] {
  const rows = table(['KPI', 'rejected', 'first rejected rows', 'likely cause']);
  for (const kpi of kpis) {
    const run = kpi.lastRun;
    if (!run?.rejected) continue;
    const lines = (run.rejects ?? []).map((r) => `${typeof r.where === 'number' ? `line ${r.where}` : r.where}: ${r.reason}`);
    const more = run.rejected - lines.length;
    rows.push([kpi.name, String(run.rejected), [...lines, ...(more > 0 ? [`… ${more} more`] : [])].join('\n'), run.hints?.join('\n') ?? '']);
  }
  return rows.length > 0 ? [`Rejected rows in the latest run\n${rows.toString()}`] : [];
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('latest values, health and KR progress from the store, without syncing')
    .addOption(outputOption())
    .action(async (opts: { output: OutputFormat }, command: Command) => {
      await withApp(command, async (app) => {
        const [kpis, objectives] = await Promise.all([listKpiViews(app.catalog, app.store, app.env.now()), listObjectiveViews(app.catalog, app.store)]);
        if (opts.output === 'json') return printJson({ kpis, objectives }, app.redactor);
        process.stdout.write(`${app.redactor.scrub(statusTables(kpis, objectives))}\n`);
      });
    });
}
