import type { Command } from 'commander';
import { unknownId } from '../../config/suggest.ts';
import { connectionStateFor } from '../../sync/connector-context.ts';
import { toKsError } from '../../sdk/index.ts';
import { withApp } from '../with-app.ts';

const CHECK_TIMEOUT_MS = 30_000;

export function registerCheck(program: Command): void {
  program
    .command('check [connection]')
    .description("call each connection's check: ok, or exactly what is wrong (credentials, permission, host, API version)")
    .action(async (only: string | undefined, _opts, command: Command) => {
      await withApp(command, async (app) => {
      const connections = [...app.catalog.connections.values()].filter((c) => !only || c.id === only);
      if (only && connections.length === 0) {
        throw unknownId('connection', only, app.catalog.connections.keys());
      }
      let failed = 0;
      for (const connection of connections) {
        const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
        try {
          const result = await connection.connector.check(connection.settings, {
            logger: app.logger.child({ connection: connection.id }),
            signal,
            http: app.env.httpFor(connection.id),
            baseDir: connection.baseDir,
            connectionState: connectionStateFor(app.store, connection, () => app.env.now()),
          });
          process.stdout.write(app.redactor.scrub(`✔ ${connection.id} (${connection.type}): ${result.detail}\n`));
        } catch (error) {
          failed += 1;
          const ks = toKsError(error);
          process.stdout.write(app.redactor.scrub(`✘ ${connection.id} (${connection.type}): ${ks.code} ${ks.message}\n`));
        }
      }
      if (failed > 0) process.exitCode = 1;
      });
    });
}
