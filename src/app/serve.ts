import type { Logger } from 'pino';
import type { ConnectorRegistry } from '../config/catalog.ts';
import { createApp, type App, type AppObserver } from './app.ts';
import { loadAppConfig, type AppConfig, type GlobalOptions } from './app-config.ts';
import { openStore, storeTarget } from './open-store.ts';
import { runUntilSignal, summarize, type Booted } from './run-until-signal.ts';
import type { QueueRole } from '../schedule/queue/queue-role.ts';
import type { QueueWiring } from './queue-wiring.ts';
import type { QueueSettings } from '../schedule/queue/queue-settings.ts';
import { EmbeddedRuntime } from '../schedule/embedded.runtime.ts';
import { assertSchedulable } from '../schedule/schedule-issues.ts';
import { createMetrics, type Metrics } from '../server/metrics.ts';
import { startOperations } from '../server/operations.ts';
import { ReadinessProbe } from '../server/readiness.ts';
import { describeSync } from './sync-line.ts';

/** What `start` and `worker` ask of a long-running process. */
export interface ServeOptions {
  globals: GlobalOptions;
  /** Queue mode (REDIS_URL set) with this role; embedded mode when undefined. */
  queue?: { role: QueueRole; redisUrl: string; settings?: Partial<QueueSettings> };
  /** `--port` as typed. */
  portFlag?: string;
  /** Default: the built-in connectors plus settings.connectors packages (tests add their own). */
  connectors?: ConnectorRegistry;
}

/**
 * A long-running process in either mode, in the order operators can rely on: config
 * validated, operations server listening (its /readyz says what it waits for), store
 * and Redis opened (waited for while down), runtime started; SIGTERM stops it all
 * within the deadline. Resolves with the exit code.
 */
export async function serve(options: ServeOptions): Promise<number> {
  const config = await loadAppConfig(options.globals, {
    logTo: 'stdout',
    checkCatalog: assertSchedulable,
    ...(options.connectors ? { connectors: options.connectors } : {}),
  });
  const { logger } = config;
  let app: App | undefined;
  const getCatalog = () => app?.catalog ?? config.catalog;
  const metrics = createMetrics({ getCatalog });
  const readiness = new ReadinessProbe();
  readiness.ready('config');
  const target = storeTarget(config);
  readiness.waitFor('store', target.kind === 'sqlite' ? `opening ${target.path}` : `connecting to Postgres at ${hostOf(target.url)}`);

  let queue: QueueWiring | undefined;
  if (options.queue) {
    // Loaded only in queue mode: embedded processes never pay for BullMQ.
    const { wireQueueMode } = await import('./queue-wiring.ts');
    queue = wireQueueMode(config, options.queue, readiness);
  }
  const server = await startOperations({
    getCatalog,
    getStore: () => app?.store,
    logger,
    metrics,
    readiness,
    ...(options.portFlag === undefined ? {} : { portFlag: options.portFlag }),
    ...(queue ? { plugins: queue.plugins } : {}),
  });

  return runUntilSignal({
    logger,
    servers: [...(server ? [server] : []), ...(queue ? [queue] : [])],
    deadlineMs: () => getCatalog().settings.shutdownTimeout,
    boot: async (signal) => {
      const store = await openStore(config, { signal });
      const opened = createApp(config, { store, observer: observerOf(metrics) });
      app = opened;
      readiness.ready('store', () => store.listRuns({ limit: 1 }));
      if (queue) {
        const parts = await queue.boot(opened, signal, readiness);
        return {
          app: opened,
          ...parts,
          describe: (diff) => started(opened, diff, `queue mode (role ${options.queue!.role})`, { mode: 'queue', role: options.queue!.role }),
        };
      }
      const runtime = new EmbeddedRuntime({
        host: opened,
        concurrency: opened.catalog.settings.concurrency,
        runOnStart: opened.catalog.settings.runOnStart,
        events: { synced: (result) => logSync(logger, describeSync(result, opened.catalog), result) },
      });
      return { app: opened, runtime, describe: (diff) => started(opened, diff, 'embedded mode', { mode: 'embedded' }) };
    },
  });
}

function started(app: App, diff: Parameters<Booted['describe']>[0], label: string, fields: Record<string, unknown>) {
  const kpis = app.catalog.kpis.size;
  return {
    fields: { ...fields, config: app.configDir, kpis, ...summarize(diff) },
    message: `kpi-sync started in ${label}: ${kpis} KPIs from ${app.configDir}`,
  };
}

function logSync(logger: Logger, line: string, result: { run: { kpi: string; id: string; status: string } }): void {
  const { kpi, id, status } = result.run;
  if (status === 'ok') logger.info({ kpi, run: id }, `synced ${line}`);
  else logger.warn({ kpi, run: id, status }, line);
}

/** The operations server's metrics as the app's observer. */
export function observerOf(metrics: Metrics): AppObserver {
  return {
    observeSync: (result, kpi) => metrics.observeSync(result, kpi),
    onHttpAttempt: (connectionId, event) => metrics.onHttpAttempt(connectionId)(event),
    observeDeliveries: (summary) => metrics.observeDeliveries(summary),
  };
}

/** host:port of a URL, never its credentials. */
export function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}`;
  } catch {
    return '(unparseable URL)';
  }
}

export type { AppConfig };
