import { Option, type Command } from 'commander';
import type { GlobalOptions } from '../../app/app-config.ts';
import { UsageError } from '../../sdk/errors.ts';
import { wholeNumber } from '../options.ts';
import { exitWith } from '../exit.ts';

/**
 * `kpi-sync worker`: a queue-mode worker process (REDIS_URL set). Run as many as
 * the load needs, on any machines, with the same config folder; `kpi-sync start
 * --role scheduler` keeps the schedules.
 */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('queue mode (REDIS_URL): take sync jobs from Redis until SIGTERM; run as many as you like (SIGHUP reloads the config)')
    .addOption(
      new Option('--concurrency <n>', 'syncs this process runs at once (default: settings.queue.concurrency, else settings.concurrency)').argParser(
        wholeNumber('--concurrency', 1, 1000),
      ),
    )
    .option('-p, --port <port>', 'operations server port: health, readiness, metrics (default: $KPI_SYNC_PORT or settings.server.port, 8787)')
    .action(async (opts: { concurrency?: number; port?: string }, command: Command) => {
      const redisUrl = process.env.REDIS_URL;
      if (!redisUrl) throw new UsageError('kpi-sync worker needs REDIS_URL (queue mode); for one process without Redis, run `kpi-sync start`');
      // Loaded when used: the server, the store and the runtimes are what one-shot commands never need.
      const { serve } = await import('../../app/serve.ts');
      const code = await serve({
        globals: command.optsWithGlobals<GlobalOptions>(),
        queue: { role: 'worker', redisUrl, ...(opts.concurrency === undefined ? {} : { settings: { concurrency: opts.concurrency } }) },
        ...(opts.port === undefined ? {} : { portFlag: opts.port }),
      });
      exitWith(code);
    });
}
