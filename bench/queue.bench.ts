import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { openQueue, type Queue } from '../src/schedule/queue/bullmq.ts';
import { bullPrefix, SYNC_QUEUE } from '../src/schedule/queue/queue-names.ts';
import { queueSettingsFor } from '../src/schedule/queue/queue-settings.ts';
import { QueueScheduler } from '../src/schedule/queue/queue-scheduler.ts';
import { syncJobOptions } from '../src/schedule/queue/retry-policy.ts';
import { SYNC_JOB_NAME, syncJobId, type SyncJobData } from '../src/schedule/queue/sync-job.ts';
import { REPO } from '../tests/helpers/cli.ts';
import { loadQueueCatalog, writeQueueConfig } from '../tests/helpers/queue-config.ts';
import { QueueProcess } from '../tests/helpers/queue-process.ts';
import { startPostgresServer } from '../tests/setup/postgres-server.ts';
import { startRedisServer } from '../tests/setup/redis-server.ts';

const KPIS = 10_000;
/** Jobs one worker process runs at once, the same for syncs and for no-op jobs. */
const CONCURRENCY = 128;
/** Best of this many rounds, raw and sync alternating, to damp noise on small machines. */
const ROUNDS = 3;
const ADD_BATCH = 1_000;
const TIMEOUT_MS = 60_000;

type Jobs = Parameters<Queue<SyncJobData>['addBulk']>[0];

/**
 * Queue mode end to end on a private redis-server (AOF on, as in production) and a
 * private Postgres (the data): 10,000 KPIs on the in-memory test connector, each job
 * one KPI's whole sync (fetch → one read of its state → one commit of the datapoint,
 * health and run), through one and two
 * worker processes; on the same Redis, in the same rounds, the floor: no-op BullMQ
 * jobs through the same number of bare worker processes with the same concurrency.
 * Throughput is counted from the first job queued to the last completed. Also the
 * time one scheduler replica takes to reconcile 10,000 job schedulers.
 */
export async function run(): Promise<Record<string, unknown>> {
  const server = await startRedisServer({ appendonly: true });
  const postgres = await startPostgresServer({ settings: { shared_buffers: "'256MB'" } });
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  try {
    const ids = Array.from({ length: KPIS }, (_, i) => `k${i}`);
    const { dir } = writeQueueConfig({
      kpis: ids.map((id, i) => ({ id, value: i % 100, band: { min: 10 }, schedule: '0 0 1 1 *' })),
      settings: { runOnStart: false },
    });
    const reconcile = await reconcileTimes(redis, dir);
    const one = await compare(server.url, await postgres.createDatabase(), redis, dir, ids, 1);
    const two = await compare(server.url, await postgres.createDatabase(), redis, dir, ids, 2);
    return {
      kpis: KPIS,
      concurrencyPerWorker: CONCURRENCY,
      syncsPerSecOneWorker: Math.round(one.steady),
      syncsPerSecTwoWorkers: Math.round(two.steady),
      firstSyncsPerSecOneWorker: Math.round(one.first),
      firstSyncsPerSecTwoWorkers: Math.round(two.first),
      rawBullmqJobsPerSecOneWorker: Math.round(one.raw),
      rawBullmqJobsPerSec: Math.round(two.raw),
      ratioToRawOneWorker: Number((one.steady / one.raw).toFixed(3)),
      ratioToRaw: Number((two.steady / two.raw).toFixed(3)),
      reconcile10kSchedulersMs: Math.round(reconcile.fresh),
      reconcileUnchanged10kMs: Math.round(reconcile.unchanged),
    };
  } finally {
    redis.disconnect();
    await server.stop();
    await postgres.stop();
  }
}

/** From nothing to 10,000 schedulers, then the same catalog again (nothing to change). */
async function reconcileTimes(redis: Redis, dir: string): Promise<{ fresh: number; unchanged: number }> {
  const catalog = await loadQueueCatalog(dir);
  const scheduler = new QueueScheduler(redis, queueSettingsFor(catalog, { prefix: `bench-${randomUUID()}` }), pino({ enabled: false }));
  try {
    let started = performance.now();
    const result = await scheduler.apply(catalog, { firstRuns: false });
    const fresh = performance.now() - started;
    if (result.added.length !== KPIS) throw new Error(`reconcile added ${result.added.length} schedulers, expected ${KPIS}`);
    started = performance.now();
    await scheduler.apply(catalog, { firstRuns: false });
    return { fresh, unchanged: performance.now() - started };
  } finally {
    await scheduler.queue.obliterate({ force: true });
    await scheduler.close();
  }
}

/**
 * `first`: every KPI's first sync (empty store; every health evaluation is a
 * transition). `steady`: a later tick with history in place, which is what a
 * running deployment does all day. `raw`: no-op jobs. Best of ROUNDS each.
 */
async function compare(
  url: string,
  databaseUrl: string,
  redis: Redis,
  dir: string,
  ids: string[],
  workers: number,
): Promise<{ first: number; steady: number; raw: number }> {
  const syncPrefix = `bench-${randomUUID()}`;
  const rawPrefix = bullPrefix(`bench-${randomUUID()}`);
  const syncWorkers = Array.from(
    { length: workers },
    () =>
      new QueueProcess('worker', dir, { redisUrl: url, databaseUrl, prefix: syncPrefix, logLevel: 'info', settings: { concurrency: CONCURRENCY, limits: {} } }),
  );
  const rawWorkers = Array.from({ length: workers }, () => startRawWorker(url, rawPrefix));
  const syncQueue = openQueue<SyncJobData>(SYNC_QUEUE, redis, bullPrefix(syncPrefix), syncJobOptions({ attempts: 5, backoffMs: 5_000 }));
  const rawQueue = openQueue<SyncJobData>('raw', redis, rawPrefix, syncJobOptions({ attempts: 5, backoffMs: 5_000 }));
  try {
    await Promise.all([...syncWorkers.map((p) => p.started(60_000)), ...rawWorkers.map((w) => w.ready)]);
    const jobsAt = (name: string, at: number): Jobs => ids.map((kpiId) => ({ name, data: { kpiId, scheduledFor: at }, opts: { jobId: syncJobId(kpiId, at) } }));
    const first = await timeJobs(syncQueue, jobsAt(SYNC_JOB_NAME, Date.now()));
    let steady = 0;
    let raw = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const rawFirst = round % 2 === 0;
      if (rawFirst) raw = Math.max(raw, await timeJobs(rawQueue, jobsAt('raw', Date.now())));
      steady = Math.max(steady, await timeJobs(syncQueue, jobsAt(SYNC_JOB_NAME, Date.now())));
      if (!rawFirst) raw = Math.max(raw, await timeJobs(rawQueue, jobsAt('raw', Date.now())));
    }
    return { first, steady, raw };
  } finally {
    await syncQueue.close();
    await rawQueue.close();
    for (const p of syncWorkers) p.signal('SIGTERM');
    for (const w of rawWorkers) w.child.kill('SIGTERM');
    await Promise.all([...syncWorkers.map((p) => p.exited), ...rawWorkers.map((w) => w.exited)]);
  }
}

function startRawWorker(url: string, prefix: string): { child: ChildProcess; ready: Promise<void>; exited: Promise<unknown> } {
  const script = path.join(REPO, 'tests/helpers/queue-raw-worker.ts');
  const child = spawn(process.execPath, [script, url, prefix, 'raw', String(CONCURRENCY)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('"ready"') && resolve());
    void exited.then((code) => reject(new Error(`raw worker exited ${String(code)}`)));
  });
  return { child, ready, exited };
}

/** Jobs per second from the first added to the last finished; the queue is emptied first so counts start at 0. */
async function timeJobs(queue: Queue<SyncJobData>, jobs: Jobs): Promise<number> {
  await queue.obliterate({ force: true });
  const started = performance.now();
  for (let i = 0; i < jobs.length; i += ADD_BATCH) await queue.addBulk(jobs.slice(i, i + ADD_BATCH));
  const deadline = Date.now() + TIMEOUT_MS;
  while ((await queue.getCompletedCount()) + (await queue.getFailedCount()) < jobs.length) {
    if (Date.now() > deadline) throw new Error(`only ${await queue.getCompletedCount()} of ${jobs.length} jobs done after ${TIMEOUT_MS / 1000} s`);
    await sleep(20);
  }
  const elapsed = performance.now() - started;
  const failed = await queue.getFailedCount();
  if (failed > 0) throw new Error(`${failed} of ${jobs.length} jobs failed: ${(await queue.getFailed(0, 0))[0]?.failedReason}`);
  return jobs.length / (elapsed / 1_000);
}
