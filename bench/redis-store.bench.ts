import { randomUUID } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import type { Datapoint } from '../src/domain/types.ts';
import { openRedisStore } from '../src/store/redis/redis.store.ts';
import { startRedisServer } from '../tests/setup/redis-server.ts';

const ROWS = 200_000;
const BATCH = 1_000;
const KPIS = 100;

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
    const time = async () => {
      const start = performance.now();
      for (const batch of batches) await store.upsertDatapoints(batch);
      return ROWS / ((performance.now() - start) / 1000);
    };
    channel.subscribe(subscriber);
    const fresh = await time();
    channel.unsubscribe(subscriber);
    const again = await time();
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

function makeBatches(): Datapoint[][] {
  const days = ROWS / KPIS;
  const batches: Datapoint[][] = [];
  let batch: Datapoint[] = [];
  for (let k = 0; k < KPIS; k += 1) {
    for (let d = 0; d < days; d += 1) {
      const period = new Date(Date.UTC(2015, 0, 1 + d)).toISOString().replace('.000Z', '+00:00');
      batch.push({ kpi: `kpi-${k}`, period, value: k * 1000 + d, observedAt: '2024-06-01T00:00:00Z', source: 'bench' });
      if (batch.length === BATCH) {
        batches.push(batch);
        batch = [];
      }
    }
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
