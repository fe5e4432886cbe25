import type { Command } from 'commander';
import { unknownId } from '../../config/suggest.ts';
import { connectionStateFor } from '../../sync/connector-context.ts';
import { checkConnections, DEFAULT_CHECK_TIMEOUT_MS, parseTimeoutMs } from '../connection-checks.ts';
import { withApp } from '../with-app.ts';

export function registerCheck(program: Command): void {
  program
    .command('check [connection]')
    .description("call each connection's check: ok, or exactly what is wrong (credentials, permission, host, API version)")
    .option('--timeout <ms>', 'deadline for each connection, in milliseconds', parseTimeoutMs, DEFAULT_CHECK_TIMEOUT_MS)
    .action(async (only: string | undefined, opts: { timeout: number }, command: Command) => {
      await withApp(command, async (app) => {
      const connections = [...app.catalog.connections.values()].filter((c) => !only || c.id === only);
      if (only && connections.length === 0) {
        throw unknownId('connection', only, app.catalog.connections.keys());
      }
      const failed = await checkConnections(connections, {
        timeoutMs: opts.timeout,
        logger: app.logger,
        scrub: (text) => app.redactor.scrub(text),
        write: (line) => process.stdout.write(line),
        connectionState: (connection) => connectionStateFor(app.store, connection, () => app.env.now()),
      });
      if (failed > 0) process.exitCode = 1;
      });
    });
}
