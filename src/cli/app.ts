import path from 'node:path';
import type { Logger } from 'pino';
import type { Catalog } from '../config/catalog.ts';
import { loadCatalog } from '../config/load.ts';
import { createHttpClient } from '../sdk/http.ts';
import type { HttpClient, HttpClientOptions } from '../sdk/index.ts';

type HttpAttemptEvent = Parameters<NonNullable<HttpClientOptions['onAttempt']>>[0];
import { alertDeliverers } from '../notify/deliverers.ts';
import { Dispatcher } from '../notify/dispatcher.ts';
import { pushDeliverers } from '../notify/targets/push-deliverers.ts';
import { openSqliteStore } from '../store/sqlite/sqlite.store.ts';
import type { Store } from '../store/store.ts';
import type { SyncEnvironment } from '../sync/run-sync.ts';
import { createConnectorRegistry } from './connector-registry.ts';
import { createLogger } from './logger.ts';
import { Redactor } from './redactor.ts';

export const DEFAULT_CONFIG_DIR = 'config/examples';
const USER_AGENT = 'kpi-sync (+https://github.com/kpi-sync/kpi-sync)';

export interface GlobalOptions {
  config?: string;
  db?: string;
  logLevel?: string;
  json?: boolean;
}

/** Where the config folder is: --config, else KPI_SYNC_CONFIG, else the example config. */
export function configDirOf(options: GlobalOptions): string {
  return path.resolve(options.config ?? process.env.KPI_SYNC_CONFIG ?? DEFAULT_CONFIG_DIR);
}

/** The process-wide pieces every command shares. */
export interface App {
  configDir: string;
  catalog: Catalog;
  store: Store;
  logger: Logger;
  redactor: Redactor;
  env: SyncEnvironment;
  /** Told about every outbound HTTP attempt of a connection (API-call and rate-limit metrics). */
  onHttpAttempt?: (connectionId: string, event: HttpAttemptEvent) => void;
  /** Delivers the outbox (alerts); `start` runs it on a timer, one-shot commands tick it once. */
  dispatcher: Dispatcher;
  /** Loads the config again; throws ConfigValidationError and leaves the running catalog alone on failure. */
  reload(): Promise<Catalog>;
  close(): Promise<void>;
}

export function loadConfig(configDir: string): Promise<Catalog> {
  return loadCatalog(configDir, { connectors: createConnectorRegistry(), env: process.env });
}

/**
 * `logTo`: the long-running commands log to stdout (what containers collect); the
 * one-shot ones keep stdout for their table and log to stderr.
 */
export async function createApp(options: GlobalOptions, logTo: 'stdout' | 'stderr' = 'stderr'): Promise<App> {
  const configDir = configDirOf(options);
  const redactor = new Redactor();
  const stream = logTo === 'stdout' ? process.stdout : process.stderr;
  const log = createLogger({
    redactor,
    destination: stream,
    pretty: options.json ? false : Boolean(stream.isTTY),
    ...(options.logLevel ? { level: options.logLevel } : {}),
  });
  const catalog = await loadConfig(configDir);
  redactor.setSecrets(catalog.secrets);
  const dbPath = path.resolve(options.db ?? process.env.KPI_SYNC_DB ?? catalog.settings.store?.path ?? './data/kpi-sync.db');
  const store = await openSqliteStore(dbPath, { logger: log });

  const clients = new Map<string, HttpClient>();
  const env: SyncEnvironment = {
    catalog,
    store,
    logger: log,
    now: () => new Date(),
    scrub: (text) => redactor.scrub(text),
    httpFor(connectionId) {
      let client = clients.get(connectionId);
      if (!client) {
        const connection = env.catalog.connections.get(connectionId);
        const defaults = connection?.connector.http?.(connection.settings) ?? {};
        const onAttempt = (event: HttpAttemptEvent) => app.onHttpAttempt?.(connectionId, event);
        clients.set(connectionId, (client = createHttpClient({ userAgent: USER_AGENT, ...defaults, onAttempt })));
      }
      return client;
    },
  };

  // Alert destinations and KR push targets share the outbox; entries find their receiver by name.
  const deliverersOf = (c: Catalog) => new Map([...alertDeliverers(c.alerts.destinations), ...pushDeliverers(c.targets)]);
  let deliverers = deliverersOf(catalog);
  const dispatcher = new Dispatcher({
    store,
    deliverers: () => deliverers,
    logger: log.child({ component: 'dispatcher' }),
    policy: catalog.alerts.delivery,
    scrub: (text) => redactor.scrub(text),
  });

  const app: App = {
    configDir,
    dispatcher,
    catalog,
    store,
    logger: log,
    redactor,
    env,
    async reload() {
      const next = await loadConfig(configDir);
      redactor.setSecrets([...app.catalog.secrets, ...next.secrets]);
      app.catalog = next;
      env.catalog = next;
      deliverers = deliverersOf(next);
      clients.clear();
      return next;
    },
    async close() {
      await dispatcher.stop();
      await store.close();
    },
  };
  return app;
}
