import { Option, type Command } from 'commander';
import type { Redis } from 'ioredis';
import type { ConnectorRegistry } from '../config/catalog.ts';
import type { ApplyResult } from '../schedule/queue/queue-scheduler.ts';
import { QUEUE_ROLES, QueueRuntime, type QueueRole } from '../schedule/queue/queue-runtime.ts';
import { DEFAULT_PREFIX, queueSettingsFor, type QueueSettings } from '../schedule/queue/queue-settings.ts';
import { SyncTally } from '../schedule/queue/sync-tally.ts';
import { assertSchedulable } from '../schedule/schedule-issues.ts';
import { ConfigError } from '../sdk/errors.ts';
import { openRedisStore } from '../store/redis/redis.store.ts';
import { checkRedis, createRedisConnection, redactRedisUrl, waitForRedis } from '../store/redis/redis-requirements.ts';
import { applyRetention } from '../sync/retention.ts';
import { checkStaleness } from '../sync/staleness.ts';
import { startOperations, type Operations } from '../server/operations.ts';
import { queueBoardPlugin, type QueueBoard } from '../server/queue-board.ts';
import { createApp, type App, type GlobalOptions } from './app.ts';
import { describeSync } from './sync-report.ts';

export type { QueueRole } from '../schedule/queue/queue-runtime.ts';

/** Queue mode is on when REDIS_URL is set. */
export function queueModeRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.REDIS_URL);
}

/** Adds `--role` to `kpi-sync start`. */
export function addRoleOption(command: Command): Command {
  return command.addOption(
    new Option('--role <role>', 'queue mode (REDIS_URL set): scheduler, worker, or all in one process').choices([...QUEUE_ROLES]).default('all'),
  );
}

export function parseRole(value: unknown): QueueRole {
  if (QUEUE_ROLES.includes(value as QueueRole)) return value as QueueRole;
  throw new ConfigError(`--role must be one of ${QUEUE_ROLES.join(', ')}; got "${String(value)}"`);
}

/** What tests, the benchmark or a command may set beyond the config folder. */
export interface QueueModeOverrides {
  /** Default: $REDIS_URL. */
  redisUrl?: string;
  /** Default: built-in connectors plus npm packages (as in embedded mode). */
  connectors?: ConnectorRegistry;
  /** Tuning beyond the config's settings (concurrency, lock timings, connection limits). */
  settings?: Partial<QueueSettings>;
  /** Aborts the wait for Redis. */
  signal?: AbortSignal;
  /** `--port` of `kpi-sync start`/`worker`, for the operations server. */
  portFlag?: string;
  /** Long-running roles log to stdout (the default); one-shot commands keep it for their output. */
  logTo?: 'stdout' | 'stderr';
}

/** The App of embedded mode, on the Redis store, plus the connection queue mode shares. */
export interface QueueApp extends App {
  redis: Redis;
  settings: QueueSettings;
}

/**
 * The App of embedded mode on the Redis store, plus the connection queue mode shares.
 * Waits for Redis (a Redis that is down at start costs a warning per reconnect
 * attempt, not a crash loop), then checks its version and maxmemory-policy.
 */
export async function createQueueApp(options: GlobalOptions, role: QueueRole | 'cli', overrides: QueueModeOverrides = {}): Promise<QueueApp> {
  const url = overrides.redisUrl ?? process.env.REDIS_URL;
  if (!url) throw new ConfigError('queue mode needs REDIS_URL (e.g. redis://redis:6379); without it, run `kpi-sync start` in embedded mode');
  let redis: Redis | undefined;
  let settings: QueueSettings | undefined;
  const app = await createApp(options, {
    logTo: overrides.logTo ?? 'stdout',
    secrets: urlSecrets(url),
    ...(overrides.connectors ? { connectors: overrides.connectors } : {}),
    checkCatalog: assertSchedulable,
    async openStore({ catalog, logger }) {
      if (options.db) logger.warn({ db: options.db }, '--db is ignored in queue mode: the store is Redis');
      settings = queueSettingsFor(catalog, { prefix: process.env.KPI_SYNC_REDIS_PREFIX || DEFAULT_PREFIX, ...overrides.settings });
      const connection = createRedisConnection(url, logger, { connectionName: `kpi-sync:${role}` });
      try {
        await waitForRedis(connection, logger, overrides.signal);
        const { version: redisVersion } = await checkRedis(connection, logger);
        const store = await openRedisStore(connection, { prefix: settings.prefix, logger, checkRequirements: false });
        logger.info({ redis: redactRedisUrl(url), redisVersion, prefix: settings.prefix }, `redis ${redisVersion} ready`);
        redis = connection;
        return store;
      } catch (error) {
        connection.disconnect();
        throw error;
      }
    },
  });
  const connection = redis!;
  const closeApp = app.close;
  return Object.assign(app, {
    redis: connection,
    settings: settings!,
    async close() {
      await closeApp();
      await connection.quit().catch(() => connection.disconnect());
    },
  });
}

/**
 * Queue mode, for `kpi-sync start` with REDIS_URL (role `all` unless `--role`) and
 * `kpi-sync worker`. Resolves when the process should exit: after SIGTERM/SIGINT,
 * once in-flight syncs finished or the shutdown timeout passed. SIGHUP reloads the
 * config (a scheduler reconciles; a bad config never replaces the running one).
 */
export async function startQueueMode(options: GlobalOptions, role: QueueRole, overrides: QueueModeOverrides = {}): Promise<void> {
  const stopping = new AbortController();
  let received: NodeJS.Signals = 'SIGTERM';
  const onStop = (signal: NodeJS.Signals) => {
    received = signal;
    stopping.abort();
  };
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  try {
    const started = await startRoles(options, role, overrides, stopping.signal);
    // A stop signal while Redis was still away (or the lock busy) is a normal stop.
    if (!started) return;
    const { app, runtime, tally } = started;
    const onHangup = () => reload(app, runtime);
    process.on('SIGHUP', onHangup);
    let ops: Operations | undefined;
    // Bull Board under /queues, behind the same token as the rest of the server.
    const board = queueBoardPlugin({ redis: app.redis, prefix: app.settings.prefix });
    try {
      ops = await startOperations(app, {
        ...(overrides.portFlag === undefined ? {} : { portFlag: overrides.portFlag }),
        pingRedis: () => app.redis.ping(),
        plugins: [board.plugin],
      });
      if (!stopping.signal.aborted) await new Promise((resolve) => stopping.signal.addEventListener('abort', resolve, { once: true }));
    } finally {
      process.off('SIGHUP', onHangup);
      await shutdown(app, runtime, tally, received, ops, board);
    }
  } finally {
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
  }
}

async function startRoles(
  options: GlobalOptions,
  role: QueueRole,
  overrides: QueueModeOverrides,
  signal: AbortSignal,
): Promise<{ app: QueueApp; runtime: QueueRuntime; tally: SyncTally } | undefined> {
  let app: QueueApp;
  try {
    app = await createQueueApp(options, role, { ...overrides, signal });
  } catch (error) {
    if (signal.aborted) return undefined;
    throw error;
  }
  const tally = new SyncTally(app.logger, (result) => describeSync(result, app.catalog));
  try {
    const { runtime, applied } = await QueueRuntime.start(
      {
        role,
        redis: app.redis,
        settings: app.settings,
        logger: app.logger,
        env: app.env,
        signal,
        passes: {
          dispatch: () => app.dispatcher.tick().then((summary) => app.dispatcher.onTick?.(summary)),
          staleness: () => checkStaleness(app.catalog, app.store, app.logger, new Date()),
          retention: () => applyRetention(app.catalog.settings.retention, app.store, app.logger, new Date()),
        },
        onSynced: (result) => tally.add(result),
      },
      app.catalog,
    );
    const kpis = app.catalog.kpis.size;
    app.logger.info(
      { mode: 'queue', role, config: app.configDir, kpis, ...(role === 'scheduler' ? {} : { concurrency: app.settings.concurrency }), ...(applied ? summarize(applied) : {}) },
      `kpi-sync started in queue mode (role ${role}): ${kpis} KPIs from ${app.configDir}`,
    );
    return { app, runtime, tally };
  } catch (error) {
    tally.stop();
    await app.close();
    if (signal.aborted) return undefined;
    throw error;
  }
}

/** Past the shutdown timeout: the abort grace of in-flight syncs (5 s) and time to close, before giving up on Redis. */
const SHUTDOWN_GRACE_MS = 10_000;

async function shutdown(app: QueueApp, runtime: QueueRuntime, tally: SyncTally, signal: NodeJS.Signals, ops: Operations | undefined, board: QueueBoard): Promise<void> {
  const timeoutMs = app.settings.shutdownTimeoutMs;
  app.logger.info({ signal, timeoutMs }, 'shutting down: no new jobs; waiting for in-flight syncs');
  // Closing BullMQ's connections waits for Redis, and their reconnect timers keep the
  // process alive: with Redis away, neither would ever end. Nothing more can be saved
  // then; jobs still marked active go back to the queue when their locks lapse.
  const guard = setTimeout(() => {
    app.logger.error('shutdown gave up waiting for Redis (unreachable); exiting without a clean close');
    process.exit(1);
  }, timeoutMs + SHUTDOWN_GRACE_MS);
  try {
    const finished = await runtime.stop(timeoutMs);
    if (!finished) app.logger.warn('in-flight syncs did not finish within the shutdown timeout; they were aborted and go back to the queue');
    tally.stop();
    await ops?.server.close();
    await board.close();
    await app.close();
  } finally {
    clearTimeout(guard);
  }
  app.logger.info('stopped');
}

function reload(app: QueueApp, runtime: QueueRuntime): void {
  void app.reloadOrKeep().then(async (catalog) => {
    if (!catalog) return;
    try {
      const applied = await runtime.reload(catalog);
      app.logger.info({ kpis: catalog.kpis.size, ...(applied ? summarize(applied) : {}) }, 'config reloaded');
    } catch (err) {
      app.logger.error({ error: app.redactor.scrub(String(err)) }, 'config reloaded, but the schedules could not be reconciled; send SIGHUP again');
    }
  });
}

/** KPI ids in a log line up to this many; counts beyond (a first start with 10,000 KPIs). */
const LISTED_IDS = 50;

function summarize(applied: ApplyResult): Record<string, unknown> {
  const { added, changed, removed, queued } = applied;
  if (added.length + changed.length + removed.length <= LISTED_IDS) return { added, changed, removed, queued };
  return { added: added.length, changed: changed.length, removed: removed.length, queued };
}

/** The password in a Redis URL, for the redactor (log lines show the URL through redactRedisUrl too). */
function urlSecrets(url: string): string[] {
  try {
    const parsed = new URL(url);
    return [decodeURIComponent(parsed.password)].filter(Boolean);
  } catch {
    return [];
  }
}
