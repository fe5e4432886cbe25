import type { Logger } from 'pino';
import type { Catalog } from '../config/catalog.ts';
import type { Store } from '../store/store.ts';
import type { Metrics } from './metrics.ts';
import type { ReadinessProbe } from './readiness.ts';
import { resolveServerOptions } from './server-options.ts';
import { startServer, type RunningServer, type ServerPlugin } from './server.ts';
import { readSecretFile } from '../config/secret-file.ts';
import { ConfigError } from '../sdk/index.ts';

/** The token file, read as `${file:}` secrets are (regular file, 64 KiB, 2 s), or a config error naming it. */
async function readTokenFile(file: string): Promise<string> {
  try {
    return await readSecretFile(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(`KPI_SYNC_TOKEN_FILE ${file} cannot be read: ${reason}`);
  }
}

export interface OperationsOptions {
  /** The config in force (a reload replaces it; host, port and token are read once). */
  getCatalog: () => Catalog;
  /** The store once it is open; until then the read API and dashboard answer 503. */
  getStore: () => Store | undefined;
  logger: Logger;
  metrics: Metrics;
  readiness: ReadinessProbe;
  /** `--port` as typed; wins over KPI_SYNC_PORT and settings.server.port. */
  portFlag?: string | number;
  env?: Record<string, string | undefined>;
  /** Extra routes, e.g. Bull Board under /queues behind the same token. */
  plugins?: ServerPlugin[];
}

/**
 * The operations server of a long-running process (`start`, `worker`): /healthz,
 * /readyz, /metrics, the read API and the dashboard, from settings.server, `--port`
 * and KPI_SYNC_PORT. It listens before the store and Redis are up, so a liveness
 * probe gets its answer and /readyz says what the process waits for. Resolves to
 * undefined when settings.server.enabled is false. Throws a KS_ERR_CONFIG error for a
 * non-loopback host without a token.
 */
export async function startOperations(options: OperationsOptions): Promise<RunningServer | undefined> {
  const env = options.env ?? process.env;
  const resolved = resolveServerOptions({
    settings: options.getCatalog().settings.server,
    env,
    ...(options.portFlag === undefined ? {} : { portFlag: options.portFlag }),
    ...(env.KPI_SYNC_TOKEN_FILE ? { tokenFromFile: await readTokenFile(env.KPI_SYNC_TOKEN_FILE) } : {}),
  });
  if (!resolved.enabled) return undefined;
  return startServer({
    getCatalog: options.getCatalog,
    getStore: options.getStore,
    logger: options.logger,
    metrics: options.metrics,
    host: resolved.host,
    port: resolved.port,
    token: resolved.token,
    readiness: options.readiness,
    ...(options.plugins ? { plugins: options.plugins } : {}),
  });
}
