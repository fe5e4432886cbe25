import type { Command } from 'commander';
import { unknownId } from '../../config/suggest.ts';
import { connectionStateFor } from '../../sync/connector-context.ts';
import { checkConnections, checkLine, DEFAULT_CHECK_TIMEOUT_MS, parseTimeoutMs } from '../connection-checks.ts';
import { outputOption, printJson, type OutputFormat } from '../output.ts';
import { withApp } from '../with-app.ts';

export function registerCheck(program: Command): void {
  program
    .command('check [connection]')
    .description("call each connection's check: ok, or exactly what is wrong (credentials, permission, host, API version)")
    .option('--timeout <ms>', 'deadline for each connection, in milliseconds', parseTimeoutMs, DEFAULT_CHECK_TIMEOUT_MS)
    .addOption(outputOption())
    .action(async (only: string | undefined, opts: { timeout: number; output: OutputFormat }, command: Command) => {
      await withApp(command, async (app) => {
        const connections = [...app.catalog.connections.values()].filter((c) => !only || c.id === only);
        if (only && connections.length === 0) {
          throw unknownId('connection', only, app.catalog.connections.keys());
        }
        const outcomes = await checkConnections(connections, {
          timeoutMs: opts.timeout,
          logger: app.logger,
          // A table prints each line as it is known; JSON waits for the whole document.
          ...(opts.output === 'table' ? { onOutcome: (outcome) => process.stdout.write(app.redactor.scrub(checkLine(outcome))) } : {}),
          connectionState: (connection) => connectionStateFor(app.store, connection, () => app.env.now()),
        });
        if (opts.output === 'json') printJson({ connections: outcomes }, app.redactor);
        if (outcomes.some((o) => !o.ok)) process.exitCode = 1;
      });
    });
}
