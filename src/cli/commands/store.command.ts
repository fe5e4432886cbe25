import type { Command } from 'commander';
import { loadAppConfig, type GlobalOptions } from '../../app/app-config.ts';
import { UsageError } from '../../sdk/errors.ts';

/**
 * `kpi-sync store copy --from FILE --to postgres://…`: moves an embedded install to
 * Postgres (queue mode, or Grafana on the data) without losing history or anything
 * waiting for delivery. Safe to run twice.
 */
export function registerStore(program: Command): void {
  const store = program.command('store').description('work on the store itself');
  store
    .command('copy')
    .description(
      "copy an embedded install's SQLite store (datapoints, health, KR progress, bookkeeping, undelivered alerts and pushes) into Postgres; running it again copies nothing twice",
    )
    .requiredOption('--from <file>', 'the SQLite file (e.g. ./data/kpi-sync.db)')
    .requiredOption('--to <url>', 'the Postgres URL (postgres://user:password@host:5432/db); use ${ENV} in scripts, never a literal password in shell history')
    .action(async (opts: { from: string; to: string }, command: Command) => {
      if (!/^postgres(ql)?:\/\//.test(opts.to)) throw new UsageError('--to must be a postgres:// URL');
      const config = await loadAppConfig(command.optsWithGlobals<GlobalOptions>(), { secrets: [opts.to, passwordOf(opts.to)].filter(Boolean) });
      const [{ openPostgresStore }, { copyStore }, { SqliteSource }] = await Promise.all([
        import('../../store/postgres/postgres.store.ts'),
        import('../../store/copy/copy-store.ts'),
        import('../../store/copy/sqlite-source.ts'),
      ]);
      const source = new SqliteSource(opts.from);
      const target = await openPostgresStore(opts.to, { logger: config.logger });
      try {
        const report = await copyStore(source, target, new Date());
        const { datapoints } = report;
        process.stdout.write(
          `copied ${opts.from} into Postgres: ${datapoints.written} datapoint(s) written (${datapoints.skipped} already there), ` +
            `${report.healthRecords} health record(s), ${report.transitions} transition(s), ${report.progress} KR progress record(s), ` +
            `${report.bookkeeping} bookkeeping entr(ies), ${report.outbox} undelivered alert(s)/push(es)\n`,
        );
      } finally {
        source.close();
        await target.close();
      }
    });
}

function passwordOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}
