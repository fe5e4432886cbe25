import type { Command } from 'commander';
import { outputOption, printJson, type OutputFormat } from '../output.ts';
import { withApp } from '../with-app.ts';
import { runOnce } from '../../app/run-once.ts';
import { syncResultView, syncTable } from '../sync-report.ts';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('sync now, once, and print what was stored (KPI values, health, KR progress)')
    .option('--once', 'run once and exit (the only mode of `run`; `start` keeps running)', true)
    .option('-k, --kpi <id...>', 'only these KPIs')
    .addOption(outputOption())
    .action(async (opts: { kpi?: string[]; output: OutputFormat }, command: Command) => {
      await withApp(command, async (app) => {
        const results = await runOnce(app, opts.kpi);
        if (opts.output === 'table') process.stdout.write(`${app.redactor.scrub(syncTable(results, app.catalog))}\n`);
        // One delivery pass for the alerts these syncs raised; what fails stays queued for `start`.
        const sent = await app.dispatcher.tick();
        const queued = results.reduce((n, r) => n + (r.alerts ?? 0), 0);
        if (opts.output === 'json') {
          printJson({ results: results.map((r) => syncResultView(r, app.catalog)), delivery: sent }, app.redactor);
        } else if (queued > 0 || sent.delivered + sent.retried + sent.failed + sent.silenced > 0) {
          process.stdout.write(
            `alerts: ${sent.delivered} delivered, ${sent.retried} to retry, ${sent.failed} failed, ${sent.dead} dead-lettered, ${sent.silenced} silenced\n`,
          );
        }
        if (results.some((r) => r.run.status === 'failed')) process.exitCode = 1;
      });
    });
}
