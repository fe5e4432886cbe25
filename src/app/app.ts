import type { Logger } from 'pino';
import { ConfigValidationError, formatIssue, type Catalog } from '../config/catalog.ts';
import { createDeliverers } from '../notify/deliverers.ts';
import { Dispatcher, type TickSummary } from '../notify/dispatcher.ts';
import { createHttpClient } from '../sdk/http.ts';
import type { HttpClient, HttpClientOptions } from '../sdk/index.ts';
import type { Store } from '../store/store.ts';
import type { SyncEnvironment, SyncResult } from '../sync/run-sync.ts';
import type { LoadedKpi } from '../config/catalog.ts';
import type { AppConfig } from './app-config.ts';
import type { Redactor } from './redactor.ts';

export type HttpAttemptEvent = Parameters<NonNullable<HttpClientOptions['onAttempt']>>[0];

const USER_AGENT = 'kpi-sync (+https://github.com/kpi-sync/kpi-sync)';

/** Who watches the app at work (the metrics of the operations server). Every method must not throw. */
export interface AppObserver {
  observeSync?(result: SyncResult, kpi: LoadedKpi): void;
  /** Every outbound HTTP attempt of a connection (API-call and rate-limit metrics). */
  onHttpAttempt?(connectionId: string, event: HttpAttemptEvent): void;
  /** Every outbox delivery pass. */
  observeDeliveries?(summary: TickSummary): void;
}

/**
 * The process-wide pieces every command and both runtimes share: the config in force,
 * the redacting logger, the store, per-connection HTTP clients and the outbox
 * dispatcher. Built once, in one place, with everything it needs passed in.
 */
export interface App {
  readonly configDir: string;
  /** The config in force; a reload replaces it. */
  readonly catalog: Catalog;
  readonly store: Store;
  readonly logger: Logger;
  readonly redactor: Redactor;
  /** What runSync needs, reading the catalog in force on every call. */
  readonly env: SyncEnvironment;
  /** Delivers the outbox (alerts and KR pushes); embedded mode runs it on a timer, one-shot commands tick it once. */
  readonly dispatcher: Dispatcher;
  /**
   * Loads the config again and puts it in force; throws ConfigValidationError (or the
   * signal's reason) and leaves the running catalog alone on failure.
   */
  reload(signal?: AbortSignal): Promise<Catalog>;
  /** `reload` for SIGHUP: a config that fails is logged with its issues and resolves to undefined. */
  reloadOrKeep(signal?: AbortSignal): Promise<Catalog | undefined>;
  /** Stops delivery and closes the store. Idempotent. */
  close(): Promise<void>;
}

export interface AppParts {
  store: Store;
  observer?: AppObserver;
  now?: () => Date;
}

/**
 * The composition root: the only place that puts config, store, connectors' HTTP
 * clients and the dispatcher together. Alert destinations and KR push targets share
 * the outbox; entries find their receiver by name.
 */
export function createApp(config: AppConfig, parts: AppParts): App {
  const { logger, redactor, configDir } = config;
  const { store, observer } = parts;
  const now = parts.now ?? (() => new Date());
  let catalog = config.catalog;
  let closed: Promise<void> | undefined;

  const clients = new Map<string, HttpClient>();
  const httpFor = (connectionId: string): HttpClient => {
    let client = clients.get(connectionId);
    if (!client) {
      const connection = catalog.connections.get(connectionId);
      const defaults = connection?.connector.http?.(connection.settings) ?? {};
      const onAttempt = (event: HttpAttemptEvent) => observer?.onHttpAttempt?.(connectionId, event);
      clients.set(connectionId, (client = createHttpClient({ userAgent: USER_AGENT, ...defaults, onAttempt })));
    }
    return client;
  };
  const env: SyncEnvironment = {
    get catalog() {
      return catalog;
    },
    store,
    logger,
    now,
    httpFor,
    scrub: (text) => redactor.scrub(text),
    ...(observer?.observeSync ? { observe: (result: SyncResult, kpi: LoadedKpi) => observer.observeSync!(result, kpi) } : {}),
  };

  const deliverersOf = (c: Catalog) => createDeliverers({ destinations: c.alerts.destinations, targets: c.targets });
  let deliverers = deliverersOf(catalog);
  const dispatcher = new Dispatcher({
    store,
    deliverers: () => deliverers,
    logger: logger.child({ component: 'dispatcher' }),
    policy: catalog.alerts.delivery,
    scrub: (text) => redactor.scrub(text),
    now,
    ...(observer?.observeDeliveries ? { onTick: (summary: TickSummary) => observer.observeDeliveries!(summary) } : {}),
  });

  const app: App = {
    configDir,
    get catalog() {
      return catalog;
    },
    store,
    logger,
    redactor,
    env,
    dispatcher,
    async reload(signal) {
      const next = await abortable(config.load(), signal);
      redactor.setSecrets([...catalog.secrets, ...next.secrets, ...config.extraSecrets]);
      catalog = next;
      deliverers = deliverersOf(next);
      // Clients carry a connection's rate-limit state; changed settings start afresh.
      clients.clear();
      return next;
    },
    async reloadOrKeep(signal) {
      try {
        return await app.reload(signal);
      } catch (err) {
        if (signal?.aborted) return undefined;
        // A bad config never replaces a good one that is running.
        const issues = err instanceof ConfigValidationError ? err.issues.map(formatIssue) : [String(err)];
        logger.error({ issues: issues.map((i) => redactor.scrub(i)) }, 'config reload rejected; the running config stays in force');
        return undefined;
      }
    },
    close() {
      closed ??= (async () => {
        await dispatcher.stop();
        await store.close();
      })();
      return closed;
    },
  };
  return app;
}

/** Resolves or rejects with `work`, or rejects with the signal's reason as soon as it fires (the work is left to finish unseen). */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
