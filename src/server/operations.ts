import type { App } from '../cli/app.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { createReadiness } from './readiness.ts';
import { resolveServerOptions } from './server-options.ts';
import { startServer, type RunningServer, type ServerPlugin } from './server.ts';

export interface OperationsOptions {
  /** `--port` as typed; wins over KPI_SYNC_PORT and settings.server.port. */
  portFlag?: string | number;
  env?: Record<string, string | undefined>;
  /** Queue mode: resolves when Redis answers PING (makes /readyz check it). */
  pingRedis?: () => Promise<unknown>;
  /** Extra routes, e.g. Bull Board under /queues behind the same token. */
  plugins?: ServerPlugin[];
}

export interface Operations {
  server: RunningServer;
  metrics: Metrics;
}

/**
 * The operations server of a long-running process (`start`, `worker`), from the
 * app's config: settings.server, `--port`, KPI_SYNC_PORT. Resolves to undefined when
 * settings.server.enabled is false. It also chains `metrics.observeSync` onto
 * `app.env.observe`, and hooks the app's HTTP attempts and outbox delivery passes,
 * so every sync, source API call and delivery of this process is counted. Host, port and
 * token are read once: a config reload does not move a listening server.
 * Throws a KS_ERR_CONFIG error for a non-loopback host without a token. Takes the
 * embedded App or queue mode's QueueApp (pass `pingRedis: () => app.redis.ping()`).
 */
export async function startOperations(app: App, options: OperationsOptions = {}): Promise<Operations | undefined> {
  const resolved = resolveServerOptions({
    settings: app.catalog.settings.server,
    env: options.env ?? process.env,
    ...(options.portFlag === undefined ? {} : { portFlag: options.portFlag }),
  });
  if (!resolved.enabled) return undefined;

  const metrics = createMetrics({ getCatalog: () => app.catalog });
  const previous = app.env.observe;
  app.env.observe = (result, kpi) => {
    previous?.(result, kpi);
    metrics.observeSync(result, kpi);
  };
  app.onHttpAttempt = (connectionId, event) => metrics.onHttpAttempt(connectionId)(event);
  app.dispatcher.onTick = (summary) => metrics.observeDeliveries(summary);
  const server = await startServer({
    getCatalog: () => app.catalog,
    store: app.store,
    logger: app.logger,
    metrics,
    host: resolved.host,
    port: resolved.port,
    token: resolved.token,
    ready: createReadiness({ getCatalog: () => app.catalog, store: app.store, ...(options.pingRedis ? { pingRedis: options.pingRedis } : {}) }),
    ...(options.plugins ? { plugins: options.plugins } : {}),
  });
  return { server, metrics };
}
