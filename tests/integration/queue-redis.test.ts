import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openQueue } from '../../src/schedule/queue/bullmq.ts';
import { bullPrefix, SYNC_QUEUE } from '../../src/schedule/queue/queue-names.ts';
import { syncJobId, type SyncJobData } from '../../src/schedule/queue/sync-job.ts';
import { openPostgresStore } from '../../src/store/postgres/postgres.store.ts';
import type { Store } from '../../src/store/store.ts';
import { writeQueueConfig } from '../helpers/queue-config.ts';
import { QueueProcess, type QueueChildSettings } from '../helpers/queue-process.ts';
import { eventually, usePostgresServer } from '../helpers/queue-redis.ts';
import { startRedisServer, type RedisServer } from '../setup/redis-server.ts';
import { Redis } from 'ioredis';

const YEARLY = '0 0 1 1 *';
const processes: QueueProcess[] = [];
const servers: RedisServer[] = [];
const closers: (() => Promise<unknown>)[] = [];
const postgres = usePostgresServer();

afterEach(async () => {
  for (const p of processes.splice(0)) if (p.child.exitCode === null) p.signal('SIGKILL');
  for (const close of closers.splice(0)) await close().catch(() => undefined);
  for (const s of servers.splice(0)) await s.stop();
});

async function server(options: Parameters<typeof startRedisServer>[0] = {}): Promise<RedisServer> {
  const started = await startRedisServer(options);
  servers.push(started);
  return started;
}

async function spawn(
  role: 'all' | 'worker',
  dir: string,
  url: string,
  options: { prefix?: string; settings?: QueueChildSettings } = {},
): Promise<{ p: QueueProcess; databaseUrl: string }> {
  const databaseUrl = await postgres.server.createDatabase();
  const p = new QueueProcess(role, dir, {
    redisUrl: url,
    databaseUrl,
    prefix: options.prefix ?? `test-${randomUUID()}`,
    ...(options.settings ? { settings: options.settings } : {}),
  });
  processes.push(p);
  return { p, databaseUrl };
}

async function storeOf(databaseUrl: string): Promise<Store> {
  const store = await openPostgresStore(databaseUrl, { poolSize: 2 });
  closers.push(() => store.close());
  return store;
}

/** The operations server's URL, from its "listening" line (every test process binds port 0). */
function opsUrl(p: QueueProcess): string {
  const line = p.logs().find((l) => String(l.msg).startsWith('operations server listening on '));
  if (!line) throw new Error('the operations server did not say where it listens');
  return String(line.msg).slice('operations server listening on '.length).split(' ')[0]!;
}

const syncedKpi = (kpi: string) => (logs: Record<string, unknown>[]) => logs.some((l) => l.kpi === kpi && String(l.msg).startsWith('synced'));

describe('queue mode: Redis requirements and outages', () => {
  it('refuses a Redis whose maxmemory-policy is not noeviction, saying how to fix it', async () => {
    const lru = await server({ maxmemoryPolicy: 'allkeys-lru' });
    const { dir } = writeQueueConfig({ kpis: [{ id: 'a' }] });
    const { p } = await spawn('all', dir, lru.url);
    expect(await p.exited).toBe(1);
    expect(p.stderr).toMatch(/KS_ERR_STORE: Redis maxmemory-policy is "allkeys-lru", but kpi-sync needs "noeviction"/);
    expect(p.stderr).toMatch(/CONFIG SET maxmemory-policy noeviction/);
  });

  it('Redis down at start: /healthz answers, /readyz names Redis, and it starts and syncs once Redis is up', { timeout: 40_000 }, async () => {
    const later = await server({ deferStart: true, appendonly: true });
    const { dir } = writeQueueConfig({ kpis: [{ id: 'a', value: 3 }] });
    const { p } = await spawn('all', dir, later.url);
    await p.waitFor((logs) => logs.filter((l) => String(l.msg).startsWith('redis unreachable, retrying')).length >= 2);
    expect(p.child.exitCode).toBeNull();
    expect(JSON.stringify(p.logs())).not.toMatch(/kpi-sync started/);
    const ops = opsUrl(p);
    expect((await fetch(`${ops}/healthz`)).status).toBe(200);
    const waiting = await fetch(`${ops}/readyz`);
    expect(waiting.status).toBe(503);
    expect(((await waiting.json()) as { checks: Record<string, string> }).checks.redis).toMatch(/^waiting: connecting to redis:\/\/127\.0\.0\.1:\d+/);

    await later.start();
    await p.started(20_000);
    await p.waitFor(syncedKpi('a'));
    await eventually(async () => (await fetch(`${ops}/readyz`)).status === 200 || undefined, 10_000, '/readyz to turn 200');
    p.signal('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('SIGTERM while Redis is still away stops cleanly', { timeout: 20_000 }, async () => {
    const never = await server({ deferStart: true });
    const { dir } = writeQueueConfig({ kpis: [{ id: 'a' }] });
    const { p } = await spawn('worker', dir, never.url);
    await p.waitFor((logs) => logs.some((l) => String(l.msg).startsWith('redis unreachable')));
    p.signal('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.logs().some((l) => l.msg === 'stopped')).toBe(true);
  });

  it('SIGTERM while Redis is down mid-run still exits within the shutdown deadline and its grace', { timeout: 30_000 }, async () => {
    const redis = await server();
    const { dir } = writeQueueConfig({ kpis: [{ id: 'a' }], settings: { shutdownTimeout: 1_000 } });
    const { p } = await spawn('all', dir, redis.url);
    await p.waitFor(syncedKpi('a'));
    redis.kill();
    await p.waitFor((logs) => logs.some((l) => String(l.msg).startsWith('redis unreachable')));
    const stopped = Date.now();
    p.signal('SIGTERM');
    await p.exited;
    // Generous for a loaded machine: the deadline (1 s) plus the second the process allows itself.
    expect(Date.now() - stopped).toBeLessThan(8_000);
    expect(p.logs().some((l) => l.msg === 'stopped')).toBe(true);
  });

  it('Redis restarted mid-run (AOF on): the worker resumes taking jobs; the data was never in Redis', { timeout: 60_000 }, async () => {
    const redis = await server({ appendonly: true });
    const prefix = `test-${randomUUID()}`;
    const { dir } = writeQueueConfig({
      kpis: [
        { id: 'before', value: 1, schedule: YEARLY },
        { id: 'after', value: 2, schedule: YEARLY },
      ],
    });
    const { p, databaseUrl } = await spawn('all', dir, redis.url, { prefix });
    await p.waitFor(syncedKpi('before'));
    await p.waitFor(syncedKpi('after'));

    await redis.restart();
    const store = await storeOf(databaseUrl);
    expect((await store.listDatapoints('before')).map((d) => d.value)).toEqual([1]);

    // BullMQ workers have been known to sit idle after a reconnect: a job queued now must still run.
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    closers.push(async () => connection.disconnect());
    const queue = openQueue<SyncJobData>(SYNC_QUEUE, connection, bullPrefix(prefix));
    closers.push(() => queue.close());
    const at = Date.now();
    await queue.add('sync', { kpiId: 'after', scheduledFor: at }, { jobId: syncJobId('after', at) });
    await eventually(async () => (await queue.getJobState(syncJobId('after', at))) === 'completed' || undefined, 30_000, 'the job queued after the restart');
    expect(p.logs().some((l) => l.msg === 'redis connection ready again')).toBe(true);
    expect(await store.listRuns({ kpi: 'after' })).toHaveLength(2);

    p.signal('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('Redis restarted empty (no persistence): a warning at start, and the job schedulers are back without a SIGHUP', { timeout: 60_000 }, async () => {
    const redis = await server({ appendonly: false });
    const prefix = `test-${randomUUID()}`;
    const { dir } = writeQueueConfig({
      kpis: [
        { id: 'a', schedule: YEARLY },
        { id: 'b', schedule: YEARLY },
      ],
    });
    const { p } = await spawn('all', dir, redis.url, { prefix, settings: { healEveryMs: 1_000 } });
    await p.started();
    expect(p.logs().filter((l) => String(l.msg).startsWith('redis has no persistence'))).toHaveLength(1);

    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    closers.push(async () => connection.disconnect());
    const queue = openQueue<SyncJobData>(SYNC_QUEUE, connection, bullPrefix(prefix));
    closers.push(() => queue.close());
    expect(await queue.getJobSchedulersCount()).toBe(2);

    await redis.restart();
    await eventually(async () => (await queue.getJobSchedulersCount()) === 2 || undefined, 30_000, 'the job schedulers to be repaired');
    expect(p.logs().some((l) => l.msg === 'job schedulers repaired')).toBe(true);
    p.signal('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});
