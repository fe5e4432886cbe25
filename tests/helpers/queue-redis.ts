import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { openQueue, type Queue } from '../../src/schedule/queue/bullmq.ts';
import { bullPrefix, SYNC_QUEUE } from '../../src/schedule/queue/queue-names.ts';
import type { SyncJobData } from '../../src/schedule/queue/sync-job.ts';
import { openRedisStore } from '../../src/store/redis/redis.store.ts';
import type { Store } from '../../src/store/store.ts';
import { deletePrefix } from '../setup/redis-server.ts';

export const quiet = pino({ enabled: false });

/** One test's view of Redis: its own prefix, the store and the sync queue under it, and a cleanup. */
export interface QueueFixture {
  prefix: string;
  redis: Redis;
  store: Store;
  queue: Queue<SyncJobData>;
  close(): Promise<void>;
}

/** A unique prefix per test (`test-<uuid>`), as BullMQ's own suite names its queues; everything under it is deleted on close. */
export async function queueFixture(url: string): Promise<QueueFixture> {
  const prefix = `test-${randomUUID()}`;
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const store = await openRedisStore(redis, { prefix });
  const queue = openQueue<SyncJobData>(SYNC_QUEUE, redis, bullPrefix(prefix));
  return {
    prefix,
    redis,
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
