import { randomUUID } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import { Redis } from 'ioredis';
import { openRedisStore } from '../src/store/redis/redis.store.ts';
import { startRedisServer } from '../tests/setup/redis-server.ts';
import { BATCH, makeBatches, ROWS, upsertRate } from './datapoint-batches.ts';

/**
 * Datapoint upserts through the Redis Store on a private redis-server with AOF on
 * (appendfsync everysec, as queue mode runs it), the same rows and batches as the
 * SQLite bench. Round trips are counted on ioredis's `ioredis:command` tracing
 * channel: each batch should be one EVALSHA, whatever its size.
 */
export async function run(): Promise<Record<string, unknown>> {
  const batches = makeBatches();
  const server = await startRedisServer({ appendonly: true });
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  const store = await openRedisStore(redis, { prefix: `bench-${randomUUID()}` });
  let commands = 0;
  const count = () => void (commands += 1);
  const ignore = () => undefined;
  const subscriber = { start: count, end: ignore, asyncStart: ignore, asyncEnd: ignore, error: ignore };
  const channel = diagnostics.tracingChannel('ioredis:command');
  try {
    channel.subscribe(subscriber);
    const fresh = await upsertRate(store, batches);
    channel.unsubscribe(subscriber);
    const again = await upsertRate(store, batches);
    return {
      rows: ROWS,
      batchSize: BATCH,
      redisUpsertsPerSec: Math.round(fresh),
      redisUnchangedReupsertsPerSec: Math.round(again),
      roundTripsPerBatch: commands / batches.length,
    };
  } finally {
    channel.unsubscribe(subscriber);
    await store.close();
    redis.disconnect();
    await server.stop();
  }
}
