/**
 * The benchmark's floor: a BullMQ worker process whose processor does nothing,
 * with the same connection setup, lock timings and concurrency as a kpi-sync
 * worker. `node queue-raw-worker.ts <redisUrl> <bullPrefix> <queue> <concurrency>`;
 * prints `{"msg":"ready"}` once it takes jobs and exits 0 on SIGTERM.
 */
import { pino } from 'pino';
import { Worker } from '../../src/schedule/queue/bullmq.ts';
import { createRedisConnection } from '../../src/schedule/queue/redis-connection.ts';

const [url, prefix, queue, concurrency] = process.argv.slice(2);
const redis = createRedisConnection(url!, pino({ enabled: false }));
const worker = new Worker(queue!, async () => ({ ok: true }), { connection: redis, prefix: prefix!, concurrency: Number(concurrency) });
worker.on('error', () => undefined);
await worker.waitUntilReady();
process.stdout.write(`${JSON.stringify({ msg: 'ready' })}\n`);
process.once('SIGTERM', () => {
  void worker.close().then(() => {
    redis.disconnect();
    process.exit(0);
  });
});
