import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/config/catalog.ts';
import { queueSettingsFor, type QueueSettings } from '../../src/schedule/queue/queue-settings.ts';
import { QueueWorker } from '../../src/schedule/queue/queue-worker.ts';
import { SyncLeases } from '../../src/schedule/queue/sync-leases.ts';
import { syncJobId } from '../../src/schedule/queue/sync-job.ts';
import { createHttpClient } from '../../src/sdk/http.ts';
import type { SyncRun } from '../../src/store/store.ts';
import type { SyncEnvironment } from '../../src/sync/run-sync.ts';
import { loadQueueCatalog, writeQueueConfig, type MemoryKpi } from '../helpers/queue-config.ts';
import { eventually, quiet, useQueueRedis } from '../helpers/queue-redis.ts';

const workers: QueueWorker[] = [];

const { fx } = useQueueRedis({
  beforeClose: async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop(1_000, 200)));
  },
});

async function startWorker(kpis: MemoryKpi[], options: { delayMs?: number; settings?: Partial<QueueSettings> } = {}): Promise<Catalog> {
  const catalog = await loadQueueCatalog(writeQueueConfig({ kpis, ...(options.delayMs ? { delayMs: options.delayMs } : {}) }).dir);
  const env: SyncEnvironment = {
    catalog,
    store: fx.store,
    logger: quiet,
    now: () => new Date(),
    scrub: (text) => text,
    httpFor: () => createHttpClient({}),
  };
  const settings = queueSettingsFor(catalog, { prefix: fx.prefix, backoffMs: 20, lockDurationMs: 2_000, ...options.settings });
  const worker = new QueueWorker({ redis: fx.redis, settings, env, logger: quiet });
  workers.push(worker);
  await worker.ready();
  return catalog;
}

function enqueue(kpiId: string, scheduledFor = Date.now(), attempts = 5) {
  return fx.queue.add('sync', { kpiId, scheduledFor }, { jobId: syncJobId(kpiId, scheduledFor), attempts, backoff: { type: 'kpi-sync', delay: 20 } });
}

async function runsOf(kpi: string): Promise<SyncRun[]> {
  return (await fx.store.listRuns({ kpi })).reverse();
}

/** The most syncs that were running at the same moment. */
function maxOverlap(runs: SyncRun[]): number {
  const edges = runs.flatMap((r) => [
    { at: Date.parse(r.startedAt), d: 1 },
    { at: Date.parse(r.finishedAt!), d: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const e of edges) max = Math.max(max, (now += e.d));
  return max;
}

describe('queue mode: sync jobs', () => {
  it('retries a transient failure with backoff until it succeeds: one datapoint, every attempt on record', async () => {
    await startWorker([{ id: 'flaky', value: 7, failFirst: 2, failWith: 'transient' }]);
    const job = await enqueue('flaky');
    await eventually(async () => (await job.isCompleted()) || undefined, 10_000, 'the job to complete');
    expect((await runsOf('flaky')).map((r) => r.status)).toEqual(['failed', 'failed', 'ok']);
    expect((await fx.store.listDatapoints('flaky')).map((p) => p.value)).toEqual([7]);
  });

  it('fails a non-retryable error at once (UnrecoverableError): one attempt, the code in the reason', async () => {
    await startWorker([{ id: 'denied', failFirst: 10, failWith: 'auth' }]);
    const job = await enqueue('denied');
    await eventually(async () => (await job.isFailed()) || undefined, 10_000, 'the job to fail');
    const failed = (await fx.queue.getJob(job.id!))!;
    expect(failed.failedReason).toMatch(/^KS_ERR_AUTH: memory: credentials rejected/);
    expect(await runsOf('denied')).toHaveLength(1);
  });

  it("waits at least the source's Retry-After before retrying a rate-limited sync", async () => {
    await startWorker([{ id: 'limited', failFirst: 1, failWith: 'rate-limited' }]);
    const job = await enqueue('limited');
    await eventually(async () => (await job.isCompleted()) || undefined, 10_000, 'the job to complete');
    const [first, second] = await runsOf('limited');
    expect(Date.parse(second!.startedAt) - Date.parse(first!.finishedAt!)).toBeGreaterThanOrEqual(1_400);
  });

  it('caps syncs per connection across the worker: six slow KPIs, cap 2, never more than two at once', async () => {
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    await startWorker(
      ids.map((id) => ({ id })),
      { delayMs: 250, settings: { concurrency: 6, limitsFor: () => ({ maxConcurrent: 2 }) } },
    );
    const jobs = await Promise.all(ids.map((id) => enqueue(id)));
    await eventually(async () => (await Promise.all(jobs.map((j) => j.isCompleted()))).every(Boolean) || undefined, 15_000, 'every job');
    const runs = (await Promise.all(ids.map(runsOf))).flat();
    expect(runs).toHaveLength(6);
    expect(maxOverlap(runs)).toBe(2);
  });

  it('holds starts per connection to ratePerMinute: the rest wait in delayed, not failed', async () => {
    const ids = ['r1', 'r2', 'r3', 'r4'];
    await startWorker(
      ids.map((id) => ({ id })),
      { settings: { concurrency: 4, limitsFor: () => ({ ratePerMinute: 2 }) } },
    );
    await Promise.all(ids.map((id) => enqueue(id)));
    await eventually(async () => (await fx.queue.getCompletedCount()) === 2 || undefined, 10_000, 'two completed');
    await sleep(1_000);
    expect(await fx.queue.getCompletedCount()).toBe(2);
    expect(await fx.queue.getDelayedCount()).toBe(2);
    expect(await fx.queue.getFailedCount()).toBe(0);
  });

  it('never syncs one KPI twice at once, even from two jobs', async () => {
    await startWorker([{ id: 'solo' }], { delayMs: 300, settings: { concurrency: 4 } });
    const now = Date.now();
    const jobs = await Promise.all([enqueue('solo', now), enqueue('solo', now + 1), enqueue('solo', now + 2)]);
    await eventually(async () => (await Promise.all(jobs.map((j) => j.isCompleted()))).every(Boolean) || undefined, 15_000, 'every job');
    const runs = await runsOf('solo');
    expect(runs).toHaveLength(3);
    expect(maxOverlap(runs)).toBe(1);
  });

  it('queues a formula once after all its inputs completed for the same scheduled time', async () => {
    await startWorker(
      [
        { id: 'ltv', value: 300 },
        { id: 'cac', value: 100 },
        { id: 'ratio', formula: 'ltv / cac' },
      ],
      { delayMs: 100, settings: { concurrency: 4 } },
    );
    const at = Date.now();
    await Promise.all([enqueue('ltv', at), enqueue('cac', at)]);
    await eventually(async () => (await fx.store.latestDatapoint('ratio'))?.value === 3 || undefined, 10_000, 'the formula');
    await sleep(300);
    expect(await runsOf('ratio')).toHaveLength(1);
    expect((await fx.queue.getJob(syncJobId('ratio', at)))?.data).toMatchObject({ kpiId: 'ratio', reason: 'formula', scheduledFor: at });
  });

  it('fails a job for a KPI this worker does not know, saying why', async () => {
    await startWorker([{ id: 'known' }]);
    const job = await enqueue('gone');
    await eventually(async () => (await job.isFailed()) || undefined, 10_000, 'the job to fail');
    expect((await fx.queue.getJob(job.id!))!.failedReason).toMatch(/KPI "gone" is not in this worker's config/);
  });
});

describe('queue mode: sync leases', () => {
  it('one holder per KPI, re-entrant for the same job, free again once the lease expires', async () => {
    const leases = new SyncLeases(fx.redis, fx.prefix, 300);
    const first = await leases.acquire('job-1', 'mrr', 'sf', {});
    expect('lease' in first).toBe(true);
    expect(await leases.acquire('job-2', 'mrr', 'sf', {})).toMatchObject({ busy: 'kpi' });
    expect('lease' in (await leases.acquire('job-1', 'mrr', 'sf', {}))).toBe(true);
    await sleep(350);
    expect('lease' in (await leases.acquire('job-2', 'mrr', 'sf', {}))).toBe(true);
  });

  it('a renewed lease outlives its TTL; a released one frees the connection slot at once', async () => {
    const leases = new SyncLeases(fx.redis, fx.prefix, 300);
    const held = await leases.acquire('job-1', 'a', 'jira', { maxConcurrent: 1 });
    if (!('lease' in held)) throw new Error('expected a lease');
    await sleep(200);
    expect(await leases.renew(held.lease)).toBe(true);
    await sleep(200);
    const busy = await leases.acquire('job-2', 'b', 'jira', { maxConcurrent: 1 });
    expect(busy).toMatchObject({ busy: 'connection' });
    await leases.release(held.lease);
    expect('lease' in (await leases.acquire('job-2', 'b', 'jira', { maxConcurrent: 1 }))).toBe(true);
  });
});
