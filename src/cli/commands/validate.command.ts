import type { Command } from 'commander';
import { formatIssue } from '../../config/catalog.ts';
import { scheduleIssues } from '../../schedule/schedule-issues.ts';
import { configDirOf, loadConfigFolder, type GlobalOptions } from '../../app/app-config.ts';
import { printIssues } from '../errors.ts';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check every config file and print all problems at once; exits 1 when any is an error')
    .action(async (_opts, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const dir = configDirOf(globals);
      const catalog = await loadConfigFolder(dir);
      const issues = [...catalog.warnings, ...scheduleIssues(catalog)];
      const errors = issues.filter((i) => i.severity === 'error');
      if (errors.length > 0) {
        printIssues(issues);
        process.exitCode = 1;
        return;
      }
      for (const warning of catalog.warnings) process.stderr.write(`warning: ${formatIssue(warning)}\n`);
      const krs = catalog.objectives.reduce((n, o) => n + o.krs.length, 0);
      process.stdout.write(
        `${dir}: ok — ${catalog.files.length} file(s), ${catalog.connections.size} connection(s), ${catalog.kpis.size} KPI(s), ${catalog.objectives.length} objective(s) with ${krs} KR(s)\n`,
      );
      // Which period each KPI is judged on is a decision worth seeing: it is inferred unless `evaluate:` sets it.
      for (const kpi of catalog.kpis.values()) {
        const period = kpi.evaluation.period === 'closed' ? `the last closed ${kpi.interval}` : `the current ${kpi.interval}`;
        process.stdout.write(`  ${kpi.id}: judged on ${period} (${kpi.evaluation.reason})\n`);
      }
    });
}
