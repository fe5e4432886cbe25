import type { Command } from 'commander';
import { EmbeddedScheduler } from '../../schedule/embedded.scheduler.ts';
import { periodic } from '../../schedule/periodic.ts';
import { assertSchedulable } from '../../schedule/schedule-issues.ts';
import { runSync } from '../../sync/run-sync.ts';
import { applyRetention } from '../../sync/retention.ts';
import { checkStaleness } from '../../sync/staleness.ts';
import { startOperations } from '../../server/operations.ts';
import { createApp, type App, type GlobalOptions } from '../app.ts';
import { describeSync } from '../sync-report.ts';
import { addRoleOption, parseRole, queueModeRequested, startQueueMode } from '../queue-mode.ts';
import { ConfigError } from '../../sdk/errors.ts';

const STALENESS_CHECK_MS = 60_000;
const DISPATCH_INTERVAL_MS = 1_000;
/** Retention (settings.retention): once shortly after start, off the first syncs' heels, then hourly. */
const RETENTION_FIRST_MS = 3_000;
const RETENTION_EVERY_MS = 3_600_000;

export function registerStart(program: Command): void {
  const command = program
    .command('start')
    .description('run the worker: sync every KPI on its schedule until SIGTERM/SIGINT (SIGHUP reloads the config)')
    .option('-p, --port <port>', 'operations server port (default: $KPI_SYNC_PORT or settings.server.port, 8787)');
  addRoleOption(command).action(async (opts: { port?: string; role?: string }, cmd: Command) => {
    const options = cmd.optsWithGlobals<GlobalOptions>();
    // REDIS_URL switches to queue mode: same config, Redis store, BullMQ schedules.
    if (queueModeRequested()) return startQueueMode(options, parseRole(opts.role), opts.port === undefined ? {} : { portFlag: opts.port });
    if (opts.role !== undefined && opts.role !== 'all') throw new ConfigError(`--role ${opts.role} needs queue mode (set REDIS_URL); embedded mode runs everything in one process`);
    const app = await createApp(options, { logTo: 'stdout', checkCatalog: assertSchedulable });
    await startEmbedded(app, opts.port);
  });
}

/**
 * Embedded mode: node-cron in this process, SQLite store. `app` is built with
 * `checkCatalog: assertSchedulable`, so every catalog it holds has valid crons.
 * Resolves when the process should exit.
 */
export async function startEmbedded(app: App, portFlag?: string): Promise<void> {
  const { logger } = app;

  const scheduler = new EmbeddedScheduler({
    logger,
    concurrency: app.catalog.settings.concurrency,
    async runKpi(kpiId, signal) {
      const result = await runSync({ kpi: kpiId, signal }, app.env);
      const line = describeSync(result, app.catalog);
      if (result.run.status === 'ok') logger.info({ kpi: kpiId, run: result.run.id }, `synced ${line}`);
      else logger.warn({ kpi: kpiId, run: result.run.id, status: result.run.status }, line);
    },
  });
  const ops = await startOperations(app, portFlag === undefined ? {} : { portFlag });
  const planned = scheduler.apply(app.catalog);
  logger.info(
    { mode: 'embedded', config: app.configDir, kpis: app.catalog.kpis.size, scheduled: planned.added.length },
    `kpi-sync started in embedded mode: ${app.catalog.kpis.size} KPIs from ${app.configDir}`,
  );
  for (const { kpi, next } of scheduler.nextRuns()) logger.debug({ kpi, next }, 'scheduled');
  if (app.catalog.settings.runOnStart) scheduler.runAll();
  // Delivery runs beside syncing on its own timer: a slow receiver never holds up a sync.
  app.dispatcher.start(DISPATCH_INTERVAL_MS);

  const staleness = periodic(() => checkStaleness(app.catalog, app.store, logger, new Date()), {
    everyMs: STALENESS_CHECK_MS,
    onError: (err) => logger.error({ err }, 'staleness check failed'),
  });
  // A first pass over years of history may outlast the hour; periodic never stacks them.
  const retention = periodic(() => applyRetention(app.catalog.settings.retention, app.store, logger, new Date()), {
    everyMs: RETENTION_EVERY_MS,
    firstMs: RETENTION_FIRST_MS,
    onError: (err) => logger.error({ err }, 'retention pass failed; the next one tries again'),
  });

  const onHangup = () => {
    void app.reloadOrKeep().then((catalog) => {
      if (!catalog) return;
      const diff = scheduler.apply(catalog);
      logger.info(diff, 'config reloaded');
      // New and re-scheduled KPIs sync now rather than at their next tick.
      for (const id of [...diff.added, ...diff.changed]) scheduler.trigger(id);
    });
  };
  process.on('SIGHUP', onHangup);

  await new Promise<void>((resolve) => {
    const shutdown = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', shutdown);
      process.off('SIGINT', shutdown);
      process.off('SIGHUP', onHangup);
      const timeout = app.catalog.settings.shutdownTimeout;
      logger.info({ signal, timeoutMs: timeout }, 'shutting down: no new syncs; waiting for in-flight ones');
      void scheduler
        .stop(timeout)
        .then((finished) => {
          if (!finished) logger.warn('in-flight syncs did not finish within the shutdown timeout; they were aborted');
          return ops?.server.close();
        })
        // A staleness or retention pass in progress finishes before the store closes.
        .then(() => Promise.all([staleness.stop(), retention.stop()]))
        .then(() => app.close())
        .then(() => {
          logger.info('stopped');
          resolve();
        });
    };
    process.on('SIGTERM', shutdown);
    process.on('SIGINT', shutdown);
  });
}
