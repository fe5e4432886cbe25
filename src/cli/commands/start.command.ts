import { Option, type Command } from 'commander';
import type { GlobalOptions } from '../../app/app-config.ts';
import { QUEUE_ROLES, type QueueRole } from '../../schedule/queue/queue-role.ts';
import { UsageError } from '../../sdk/errors.ts';
import { exitWith } from '../exit.ts';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the worker: sync every KPI on its schedule until SIGTERM/SIGINT (SIGHUP reloads the config); with REDIS_URL set, in queue mode')
    .option('-p, --port <port>', 'operations server port (default: $KPI_SYNC_PORT or settings.server.port, 8787)')
    .addOption(new Option('--role <role>', 'queue mode (REDIS_URL set): scheduler, worker, or all in one process').choices([...QUEUE_ROLES]).default('all'))
    .action(async (opts: { port?: string; role: QueueRole }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const redisUrl = process.env.REDIS_URL;
      if (!redisUrl && opts.role !== 'all')
        throw new UsageError(`--role ${opts.role} needs queue mode (set REDIS_URL); embedded mode runs everything in one process`);
      // Loaded when used: the server, the store and the runtimes are what one-shot commands never need.
      const { serve } = await import('../../app/serve.ts');
      const code = await serve({
        globals,
        ...(redisUrl ? { queue: { role: opts.role, redisUrl } } : {}),
        ...(opts.port === undefined ? {} : { portFlag: opts.port }),
      });
      exitWith(code);
    });
}
