import path from 'node:path';
import type { Logger } from 'pino';
import { ConfigValidationError, formatIssue, type Catalog, type ConnectorRegistry } from '../config/catalog.ts';
import { loadCatalog } from '../config/load.ts';
import { createHttpClient } from '../sdk/http.ts';
import type { HttpClient, HttpClientOptions } from '../sdk/index.ts';
import { alertDeliverers } from '../notify/deliverers.ts';
import { Dispatcher } from '../notify/dispatcher.ts';
import { pushDeliverers } from '../notify/targets/push-deliverers.ts';
import { openSqliteStore } from '../store/sqlite/sqlite.store.ts';
import type { Store } from '../store/store.ts';
import type { SyncEnvironment } from '../sync/run-sync.ts';
import { createConnectorRegistry } from './connector-registry.ts';
import { createLogger } from './logger.ts';
import { Redactor } from './redactor.ts';

type HttpAttemptEvent = Parameters<NonNullable<HttpClientOptions['onAttempt']>>[0];

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
  /** `reload` for SIGHUP: a config that fails is logged with its issues and resolves to undefined. */
  reloadOrKeep(): Promise<Catalog | undefined>;
  close(): Promise<void>;
}

export function loadConfig(configDir: string, connectors: ConnectorRegistry = createConnectorRegistry()): Promise<Catalog> {
  return loadCatalog(configDir, { connectors, env: process.env });
}

/** What the store factory gets: the loaded config and a logger that already redacts its secrets. */
export interface StoreContext {
  catalog: Catalog;
  logger: Logger;
}

export interface AppOptions {
  /**
   * The long-running commands log to stdout (what containers collect); the one-shot
   * ones keep stdout for their table and log to stderr (the default).
   */
  logTo?: 'stdout' | 'stderr';
  /** Default: the built-in connectors plus installed connector packages. */
  connectors?: ConnectorRegistry;
  /** Default: SQLite at --db, $KPI_SYNC_DB or settings.store.path. Queue mode passes Redis. */
  openStore?: (context: StoreContext) => Promise<Store>;
  /** Secrets that are not in the config (a Redis URL's password): redacted like the config's. */
  secrets?: string[];
  /** Extra checks a catalog must pass at start and on every reload before it replaces the running one. */
  checkCatalog?: (catalog: Catalog) => void;
}

/**
 * The process-wide pieces every command shares, for either mode: the config, the
 * redacting logger, the store, per-connection HTTP clients and the outbox dispatcher
 * (alert destinations and KR push targets share the outbox; entries find their
 * receiver by name).
 */
export async function createApp(options: GlobalOptions, appOptions: AppOptions = {}): Promise<App> {
  const configDir = configDirOf(options);
  const connectors = appOptions.connectors ?? createConnectorRegistry();
  const extraSecrets = appOptions.secrets ?? [];
  const redactor = new Redactor();
  redactor.setSecrets(extraSecrets);
  const stream = appOptions.logTo === 'stdout' ? process.stdout : process.stderr;
  const log = createLogger({
    redactor,
    destination: stream,
    pretty: options.json ? false : Boolean(stream.isTTY),
    ...(options.logLevel ? { level: options.logLevel } : {}),
  });
  const load = async () => {
    const next = await loadConfig(configDir, connectors);
    appOptions.checkCatalog?.(next);
    return next;
  };
  const catalog = await load();
  redactor.setSecrets([...catalog.secrets, ...extraSecrets]);
  const store = await (appOptions.openStore ?? openSqlite(options))({ catalog, logger: log });

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
      const next = await load();
      redactor.setSecrets([...app.catalog.secrets, ...next.secrets, ...extraSecrets]);
      app.catalog = next;
      env.catalog = next;
      deliverers = deliverersOf(next);
      clients.clear();
      return next;
    },
    async reloadOrKeep() {
      try {
        return await app.reload();
      } catch (err) {
        // A bad config never replaces a good one that is running.
        const issues = err instanceof ConfigValidationError ? err.issues.map(formatIssue) : [String(err)];
        log.error({ issues: issues.map((i) => redactor.scrub(i)) }, 'config reload rejected; the running config stays in force');
        return undefined;
      }
    },
    async close() {
      await dispatcher.stop();
      await store.close();
    },
  };
  return app;
}

function openSqlite(options: GlobalOptions): (context: StoreContext) => Promise<Store> {
  return ({ catalog, logger }) => {
    const dbPath = path.resolve(options.db ?? process.env.KPI_SYNC_DB ?? catalog.settings.store?.path ?? './data/kpi-sync.db');
    return openSqliteStore(dbPath, { logger });
  };
}
