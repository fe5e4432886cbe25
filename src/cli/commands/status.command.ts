import type { Command } from 'commander';
import { withApp } from '../with-app.ts';
import { formatBand, formatPercent, formatValue } from '../../app/format.ts';
import { table } from '../table.ts';
import { shownPeriods } from '../../app/kpi-periods.ts';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('latest values, health and KR progress from the store, without syncing')
    .action(async (_opts, command: Command) => {
      await withApp(command, async (app) => {
      const { catalog, store } = app;
      const kpis = table(['KPI', 'category', 'period', 'value', 'beside', 'band', 'health', 'last run']);
      for (const kpi of catalog.kpis.values()) {
        const { judged, beside } = await shownPeriods(kpi, store, app.env.now());
        const health = await store.getHealth(kpi.id);
        const [run] = await store.listRuns({ kpi: kpi.id, limit: 1 });
        kpis.push([
          kpi.name,
          kpi.category,
          `${judged.label} (${judged.roleLabel})`,
          formatValue(judged.point?.value, kpi.unit),
          `${beside.roleLabel}: ${formatValue(beside.point?.value, kpi.unit)}`,
          formatBand(kpi.health?.band),
          health?.state ?? '—',
          run ? `${run.status} ${run.finishedAt ?? run.startedAt}` : 'never',
        ]);
      }
      const krs = table(['objective', 'KR', 'progress', 'expected', 'track', 'as of']);
      for (const { kr, objective } of catalog.krs.values()) {
        const p = await store.latestProgress(kr.id);
        krs.push([objective.title, kr.title, formatPercent(p?.progress), formatPercent(p?.expected), p?.track.replace('_', ' ') ?? '—', p?.at ?? '—']);
      }
      process.stdout.write(`${app.redactor.scrub(kpis.toString())}\n${app.redactor.scrub(krs.toString())}\n`);
      });
    });
}
