import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openQueue } from '../../src/schedule/queue/bullmq.ts';
import { bullPrefix, SYNC_QUEUE } from '../../src/schedule/queue/queue-names.ts';
import { syncJobId, type SyncJobData } from '../../src/schedule/queue/sync-job.ts';
import { openRedisStore } from '../../src/store/redis/redis.store.ts';
import { writeQueueConfig } from '../helpers/queue-config.ts';
import { QueueProcess } from '../helpers/queue-process.ts';
import { eventually, queueFixture, type QueueFixture } from '../helpers/queue-redis.ts';
import { startRedisServer, type RedisServer } from '../setup/redis-server.ts';

const YEARLY = '0 0 1 1 *';
const processes: QueueProcess[] = [];
const servers: RedisServer[] = [];
const fixtures: QueueFixture[] = [];

afterEach(async () => {
  for (const p of processes.splice(0)) if (p.child.exitCode === null) p.signal('SIGKILL');
  for (const f of fixtures.splice(0)) await f.close().catch(() => undefined);
  for (const s of servers.splice(0)) await s.stop();
});

async function server(options: Parameters<typeof startRedisServer>[0] = {}): Promise<RedisServer> {
  const started = await startRedisServer(options);
  servers.push(started);
  return started;
}

function spawn(role: 'all' | 'worker', dir: string, url: string, prefix = `test-${randomUUID()}`): QueueProcess {
  const p = new QueueProcess(role, dir, { redisUrl: url, prefix });
  processes.push(p);
  return p;
}

const syncedKpi = (kpi: string) => (logs: Record<string, unknown>[]) => logs.some((l) => l.kpi === kpi && String(l.msg).startsWith('synced'));

describe('queue mode: Redis requirements and outages', () => {
  it('refuses a Redis whose maxmemory-policy is not noeviction, saying how to fix it', async () => {
    const lru = await server({ maxmemoryPolicy: 'allkeys-lru' });
    const { dir } = writeQueueConfig({ kpis: [{ id: 'a' }] });
    const p = spawn('all', dir, lru.url);
    expect(await p.exited).toBe(1);
    expect(p.stderr).toMatch(/KS_ERR_STORE: Redis maxmemory-policy is "allkeys-lru", but kpi-sync needs "noeviction"/);
    expect(p.stderr).toMatch(/CONFIG SET maxmemory-policy noeviction/);
  });

  it('Redis down at start: logs and keeps retrying, then starts and syncs once Redis is up', { timeout: 30_000 }, async () => {
    const later = await server({ deferStart: true, appendonly: true });
    const { dir } = writeQueueConfig({ kpis: [{ id: 'a', value: 3 }] });
    const p = spawn('all', dir, later.url);
    await p.waitFor((logs) => logs.filter((l) => String(l.msg).startsWith('redis unreachable, retrying')).length >= 2);
    expect(p.child.exitCode).toBeNull();
    expect(JSON.stringify(p.logs())).not.toMatch(/kpi-sync started/);

    await later.start();
    await p.started(20_000);
    await p.waitFor(syncedKpi('a'));
    p.signal('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('SIGTERM while Redis is still away stops cleanly', { timeout: 20_000 }, async () => {
    const never = await server({ deferStart: true });
    const { dir } = writeQueueConfig({ kpis: [{ id: 'a' }] });
    const p = spawn('worker', dir, never.url);
    await p.waitFor((logs) => logs.some((l) => String(l.msg).startsWith('redis unreachable')));
    p.signal('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('SIGTERM while Redis is down mid-run still exits (1, saying why) within the shutdown timeout and a grace', { timeout: 30_000 }, async () => {
    const redis = await server();
    const { dir } = writeQueueConfig({ kpis: [{ id: 'a' }], settings: { shutdownTimeout: 1_000 } });
    const p = spawn('all', dir, redis.url);
    await p.waitFor(syncedKpi('a'));
    redis.kill();
    await p.waitFor((logs) => logs.some((l) => String(l.msg).startsWith('redis unreachable')));
    const stopped = Date.now();
    p.signal('SIGTERM');
    expect(await p.exited).toBe(1);
    expect(Date.now() - stopped).toBeLessThan(16_000);
    expect(p.logs().some((l) => String(l.msg).startsWith('shutdown gave up waiting for Redis'))).toBe(true);
  });

  it('Redis restarted mid-run (AOF on): the data survives and the worker resumes taking jobs', { timeout: 60_000 }, async () => {
    const redis = await server({ appendonly: true });
    const prefix = `test-${randomUUID()}`;
    const { dir } = writeQueueConfig({ kpis: [{ id: 'before', value: 1, schedule: YEARLY }, { id: 'after', value: 2, schedule: YEARLY }] });
    const p = spawn('all', dir, redis.url, prefix);
    await p.waitFor(syncedKpi('before'));
    await p.waitFor(syncedKpi('after'));

    await redis.restart();
    const fx = await queueFixture(redis.url);
    fixtures.push(fx);
    // The process's prefix, not the fixture's own.
    const store = await openRedisStore(fx.redis, { prefix });
    expect((await store.listDatapoints('before')).map((d) => d.value)).toEqual([1]);

    // BullMQ workers have been known to sit idle after a reconnect: a job queued now must still run.
    const queue = openQueue<SyncJobData>(SYNC_QUEUE, fx.redis, bullPrefix(prefix));
    const at = Date.now();
    await queue.add('sync', { kpiId: 'after', scheduledFor: at }, { jobId: syncJobId('after', at) });
    await eventually(async () => (await queue.getJobState(syncJobId('after', at))) === 'completed' || undefined, 30_000, 'the job queued after the restart');
    expect(p.logs().some((l) => l.msg === 'redis connection ready again')).toBe(true);
    expect(await store.listRuns({ kpi: 'after' })).toHaveLength(2);
    await queue.close();
    await store.close();

    p.signal('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});
