import { Option, type Command } from 'commander';
import type { GlobalOptions } from '../app.ts';
import { queueModeRequested, startQueueMode } from '../queue-mode.ts';
import { ConfigError } from '../../sdk/errors.ts';

/**
 * `kpi-sync worker`: a queue-mode worker process (REDIS_URL set). Run as many as
 * the load needs, on any machines, with the same config folder; `kpi-sync start
 * --role scheduler` keeps the schedules.
 */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('queue mode (REDIS_URL): take sync jobs from Redis until SIGTERM; run as many as you like (SIGHUP reloads the config)')
    .addOption(new Option('--concurrency <n>', 'syncs this process runs at once (default: settings.queue.concurrency, else settings.concurrency)').argParser(positiveInt))
    .option('-p, --port <port>', 'operations server port: health, readiness, metrics (default: $KPI_SYNC_PORT or settings.server.port, 8787)')
    .action(async (opts: { concurrency?: number; port?: string }, command: Command) => {
      if (!queueModeRequested()) {
        throw new ConfigError('kpi-sync worker needs REDIS_URL (queue mode); for one process without Redis, run `kpi-sync start`');
      }
      await startQueueMode(command.optsWithGlobals<GlobalOptions>(), 'worker', {
        ...(opts.concurrency === undefined ? {} : { settings: { concurrency: opts.concurrency } }),
        ...(opts.port === undefined ? {} : { portFlag: opts.port }),
      });
    });
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new ConfigError(`--concurrency must be a whole number from 1 to 1000; got "${value}"`);
  return n;
}
