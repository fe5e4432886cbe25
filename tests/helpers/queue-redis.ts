import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { openQueue, type Queue } from '../../src/schedule/queue/bullmq.ts';
import { bullPrefix, SYNC_QUEUE } from '../../src/schedule/queue/queue-names.ts';
import type { SyncJobData } from '../../src/schedule/queue/sync-job.ts';
import { openPostgresStore } from '../../src/store/postgres/postgres.store.ts';
import type { Store } from '../../src/store/store.ts';
import { startPostgresServer, type PostgresServer } from '../setup/postgres-server.ts';
import { deletePrefix, startRedisServer, type RedisServer, type RedisServerOptions } from '../setup/redis-server.ts';

export const quiet = pino({ enabled: false });

/** One test's view of queue mode: its own Redis prefix and Postgres database, the store and the sync queue, and a cleanup. */
export interface QueueFixture {
  prefix: string;
  redis: Redis;
  /** The test's own database (queue mode keeps its data in Postgres). */
  databaseUrl: string;
  store: Store;
  queue: Queue<SyncJobData>;
  close(): Promise<void>;
}

/**
 * A unique Redis prefix per test (`test-<uuid>`), as BullMQ's own suite names its
 * queues, and a fresh Postgres database; the prefix is deleted on close.
 */
export async function queueFixture(url: string, postgres: PostgresServer): Promise<QueueFixture> {
  const prefix = `test-${randomUUID()}`;
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const databaseUrl = await postgres.createDatabase();
  const store = await openPostgresStore(databaseUrl, { poolSize: 4 });
  const queue = openQueue<SyncJobData>(SYNC_QUEUE, redis, bullPrefix(prefix));
  return {
    prefix,
    redis,
    databaseUrl,
    store,
    queue,
    async close() {
      await queue.close();
      await store.close();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

/** A private Postgres for the whole test file (a database per test comes from it). */
export function usePostgresServer(): { readonly server: PostgresServer } {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgresServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error('the Postgres server is started in beforeAll');
      return server;
    },
  };
}

/** A private redis-server for the whole test file: started in beforeAll, stopped in afterAll. The view reads the running one. */
export function useRedisServer(options: RedisServerOptions = {}): Pick<RedisServer, 'url'> {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedisServer(options);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get url() {
      if (!server) throw new Error('the redis-server is started in beforeAll');
      return server.url;
    },
  };
}

export interface QueueRedisOptions {
  /** How the file's redis-server is started. */
  server?: RedisServerOptions;
  /** Stops what a test started on its fixture (workers, processes) before the fixture is closed. */
  beforeClose?: () => Promise<void> | void;
}

/**
 * useRedisServer and usePostgresServer, plus a fresh queueFixture on them for each test (beforeEach, closed
 * in afterEach). `fx` reads the current test's fixture, so it can be kept in a
 * module constant: `fx.store` is this test's store.
 */
export function useQueueRedis(options: QueueRedisOptions = {}): {
  server: Pick<RedisServer, 'url'>;
  postgres: { readonly server: PostgresServer };
  fx: QueueFixture;
} {
  const server = useRedisServer(options.server);
  const postgres = usePostgresServer();
  let current: QueueFixture | undefined;
  const fixture = (): QueueFixture => {
    if (!current) throw new Error('the queue fixture is opened in beforeEach');
    return current;
  };
  beforeEach(async () => {
    current = await queueFixture(server.url, postgres.server);
  });
  afterEach(async () => {
    await options.beforeClose?.();
    await fixture().close();
  });
  const fx: QueueFixture = {
    get prefix() {
      return fixture().prefix;
    },
    get redis() {
      return fixture().redis;
    },
    get databaseUrl() {
      return fixture().databaseUrl;
    },
    get store() {
      return fixture().store;
    },
    get queue() {
      return fixture().queue;
    },
    close: () => fixture().close(),
  };
  return { server, postgres, fx };
}

/** Polls until `check` passes (it throws or returns false meanwhile). */
export async function eventually<T>(check: () => Promise<T | false | undefined> | T | false | undefined, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== false && value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
