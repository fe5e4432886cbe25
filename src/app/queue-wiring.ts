import { storeTarget } from './open-store.ts';
import type { AppConfig } from './app-config.ts';
import { QueueRuntime, type QueueRole } from '../schedule/queue/queue-runtime.ts';
import { DEFAULT_PREFIX, queueSettingsFor, type QueueSettings } from '../schedule/queue/queue-settings.ts';
import { checkRedis, closeRedisConnection, createRedisConnection, redactRedisUrl, waitForRedis } from '../schedule/queue/redis-connection.ts';
import { SyncTally } from '../schedule/queue/sync-tally.ts';
import { ConfigError } from '../sdk/errors.ts';
import { queueBoardPlugin } from '../server/queue-board.ts';
import type { ReadinessProbe } from '../server/readiness.ts';
import type { App } from './app.ts';
import type { Booted } from './run-until-signal.ts';
import type { ServerPlugin } from '../server/server.ts';
import { describeSync } from './sync-line.ts';

/** The parts of queue mode the process wires before boot: the Redis connection and Bull Board exist at once and connect in the background. */
export interface QueueWiring {
  plugins: ServerPlugin[];
  boot(app: App, signal: AbortSignal, readiness: ReadinessProbe): Promise<Omit<Booted, 'app' | 'describe'>>;
  /** Closes Bull Board and the Redis connection, whether or not boot finished. */
  close(): Promise<void>;
}

/**
 * Queue mode's Redis side of a long-running process. The connection and Bull Board
 * exist before the server listens (ioredis keeps connecting in the background, so a
 * Redis that is down at start costs a log line per attempt, not a crash loop); boot
 * waits for it, checks it, and starts the runtime. Data lives in Postgres: Redis holds
 * only BullMQ's keys, the leases and the locks.
 */
export function wireQueueMode(
  config: AppConfig,
  options: { role: QueueRole; redisUrl: string; settings?: Partial<QueueSettings> },
  readiness: ReadinessProbe,
): QueueWiring {
  if (storeTarget(config).kind !== 'postgres') {
    throw new ConfigError(
      'queue mode keeps its data in Postgres: set DATABASE_URL (or settings.store.url) to a postgres:// URL; SQLite is for embedded mode only',
    );
  }
  const { logger } = config;
  const settings = queueSettingsFor(config.catalog, { prefix: process.env.KPI_SYNC_REDIS_PREFIX || DEFAULT_PREFIX, ...options.settings });
  const redis = createRedisConnection(options.redisUrl, logger, { connectionName: `kpi-sync:${options.role}` });
  readiness.waitFor('redis', `connecting to ${redactRedisUrl(options.redisUrl)}`);
  const board = queueBoardPlugin({ redis, prefix: settings.prefix });
  return {
    plugins: [board.plugin],
    async boot(app, signal) {
      await waitForRedis(redis, logger, signal);
      const { version } = await checkRedis(redis, logger);
      logger.info({ redis: redactRedisUrl(options.redisUrl), redisVersion: version, prefix: settings.prefix }, `redis ${version} ready`);
      readiness.ready('redis', () => redis.ping());
      const tally = new SyncTally(logger, (result) => describeSync(result, app.catalog));
      const runtime = new QueueRuntime({
        role: options.role,
        redis,
        settings: { ...settings, shutdownTimeoutMs: app.catalog.settings.shutdownTimeout },
        host: app,
        events: { synced: (result) => tally.add(result) },
      });
      const schedulers = runtime.schedulersCheck();
      if (schedulers) readiness.ready('schedulers', schedulers);
      return { runtime, closers: [async () => tally.stop()] };
    },
    async close() {
      await board.close();
      // Also when boot never finished (stopped while Redis was away): a reconnecting client keeps a process alive.
      await closeRedisConnection(redis);
    },
  };
}
