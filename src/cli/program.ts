import { Command } from 'commander';
import { PACKAGE_VERSION } from '../app/package-info.ts';
import { registerAlerts } from './commands/alerts.command.ts';
import { registerBackfill } from './commands/backfill.command.ts';
import { registerCheck } from './commands/check.command.ts';
import { registerConnector } from './commands/connector.command.ts';
import { registerHistory } from './commands/history.command.ts';
import { registerPlan } from './commands/plan.command.ts';
import { registerPushes } from './commands/pushes.command.ts';
import { registerRun } from './commands/run.command.ts';
import { registerSchema } from './commands/schema.command.ts';
import { registerSilence } from './commands/silence.command.ts';
import { registerStart } from './commands/start.command.ts';
import { registerStatus } from './commands/status.command.ts';
import { registerStore } from './commands/store.command.ts';
import { registerValidate } from './commands/validate.command.ts';
import { registerWorker } from './commands/worker.command.ts';

/**
 * Every command and option of kpi-sync, not yet parsed. Apart from main.ts so the
 * README's examples can be checked against the real commands without running one.
 */
export function buildProgram(): Command {
  const program = new Command('kpi-sync')
    .description('Sync KPIs from business systems, watch their health bands and keep Key Result progress current.')
    .version(PACKAGE_VERSION)
    .option('-c, --config <dir>', 'config folder (default: $KPI_SYNC_CONFIG or config/examples)')
    .option('--db <file>', 'SQLite store file (default: $KPI_SYNC_DB or settings.store.path or ./data/kpi-sync.db)')
    .option('--log-level <level>', 'trace, debug, info, warn, error (default: $LOG_LEVEL or info)')
    .option('--json', "JSON log lines even on a terminal (for JSON output on stdout, see a command's --output json)");

  registerValidate(program);
  registerSchema(program);
  registerRun(program);
  registerStart(program);
  registerWorker(program);
  registerStatus(program);
  registerHistory(program);
  registerBackfill(program);
  registerCheck(program);
  registerAlerts(program);
  registerPushes(program);
  registerSilence(program);
  registerPlan(program);
  registerStore(program);
  registerConnector(program);
  return program;
}
