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
    .addOption(new Option('--concurrency <n>', 'syncs this process runs at once (default: settings.concurrency)').argParser(positiveInt))
    .action(async (opts: { concurrency?: number }, command: Command) => {
      if (!queueModeRequested()) {
        throw new ConfigError('kpi-sync worker needs REDIS_URL (queue mode); for one process without Redis, run `kpi-sync start`');
      }
      const settings = opts.concurrency === undefined ? {} : { concurrency: opts.concurrency };
      await startQueueMode(command.optsWithGlobals<GlobalOptions>(), 'worker', { settings });
    });
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new ConfigError(`--concurrency must be a whole number from 1 to 1000; got "${value}"`);
  return n;
}
