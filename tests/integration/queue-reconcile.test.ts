import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { QueueScheduler } from '../../src/schedule/queue/queue-scheduler.ts';
import { queueSettingsFor } from '../../src/schedule/queue/queue-settings.ts';
import { reconcileSchedulers } from '../../src/schedule/queue/reconcile.ts';
import { syncJobOptions } from '../../src/schedule/queue/retry-policy.ts';
import { jobIdsFor, syncJobId } from '../../src/schedule/queue/sync-job.ts';
import { loadQueueCatalog, writeQueueConfig, type MemoryKpi } from '../helpers/queue-config.ts';
import { QueueProcess } from '../helpers/queue-process.ts';
import { quiet, useQueueRedis } from '../helpers/queue-redis.ts';

const processes: QueueProcess[] = [];

const { server, fx } = useQueueRedis({
  beforeClose: () => {
    for (const p of processes.splice(0)) if (p.child.exitCode === null) p.signal('SIGKILL');
  },
});

async function catalogOf(kpis: MemoryKpi[], dir?: string) {
  return loadQueueCatalog(writeQueueConfig({ kpis, settings: { runOnStart: false } }, dir).dir);
}

/** What the sync queue holds: scheduler id → pattern@tz. */
async function schedulers(): Promise<Record<string, string>> {
  const list = await fx.queue.getJobSchedulers(0, -1, true);
  return Object.fromEntries(list.map((s) => [s.key, `${s.pattern}@${s.tz}`]));
}

function reconcile(catalog: Awaited<ReturnType<typeof catalogOf>>) {
  return reconcileSchedulers(fx.queue, catalog, { redis: fx.redis, prefix: fx.prefix, jobOptions: syncJobOptions({ attempts: 5, backoffMs: 5_000 }) });
}

describe('queue mode: scheduler reconciliation', () => {
  it('creates one job scheduler per source KPI with its cron and time zone; formulas get none; a second pass changes nothing', async () => {
    const catalog = await catalogOf([
      { id: 'mrr', schedule: '0 6 * * *', timezone: 'Europe/Oslo' },
      { id: 'signups', interval: 'week' },
      { id: 'ratio', formula: 'mrr / signups' },
    ]);
    expect(await reconcile(catalog)).toEqual({ added: ['mrr', 'signups'], changed: [], removed: [] });
    expect(await schedulers()).toEqual({ 'kpi-mrr': '0 6 * * *@Europe/Oslo', 'kpi-signups': '0 * * * *@UTC' });
    expect(await reconcile(catalog)).toEqual({ added: [], changed: [], removed: [] });

    // Each scheduler keeps exactly one iteration waiting, under the id jobIdsFor() predicts.
    const delayed = await fx.queue.getDelayed();
    expect(delayed).toHaveLength(2);
    for (const job of delayed) expect(jobIdsFor(job.data.kpiId, job.opts.prevMillis!)).toContain(job.id);
  });

  it('a reload that adds, changes and removes KPIs leaves exactly the expected schedulers, and no job of a removed KPI', async () => {
    const { dir } = writeQueueConfig({ kpis: [{ id: 'a' }, { id: 'b', schedule: '0 6 * * *' }, { id: 'c' }, { id: 'd', timezone: 'UTC' }] });
    await reconcile(await loadQueueCatalog(dir));
    const next = await catalogOf(
      [
        { id: 'a' }, // unchanged
        { id: 'b', schedule: '30 7 * * *' }, // new cron
        { id: 'd', timezone: 'America/New_York' }, // new time zone
        { id: 'e' }, // added
        { id: 'c', formula: 'a + d' }, // c becomes a formula: its scheduler goes
      ],
      dir,
    );
    const diff = await reconcile(next);
    expect({ ...diff, changed: diff.changed.sort() }).toEqual({ added: ['e'], changed: ['b', 'd'], removed: ['c'] });
    expect(await schedulers()).toEqual({
      'kpi-a': '*/15 * * * *@UTC',
      'kpi-b': '30 7 * * *@UTC',
      'kpi-d': '*/15 * * * *@America/New_York',
      'kpi-e': '*/15 * * * *@UTC',
    });
    const delayed = await fx.queue.getDelayed();
    expect(delayed.map((j) => j.data.kpiId).sort()).toEqual(['a', 'b', 'd', 'e']);

    const removedAll = await reconcile(await catalogOf([], dir));
    expect(removedAll.removed.sort()).toEqual(['a', 'b', 'd', 'e']);
    expect(await schedulers()).toEqual({});
    expect(await fx.queue.getDelayed()).toEqual([]);
  });

  it('names the KPI when BullMQ cannot schedule its cron', async () => {
    const catalog = await catalogOf([{ id: 'ok' }, { id: 'odd', schedule: '99 * * * *' }]);
    await expect(reconcile(catalog)).rejects.toThrow(/KPI odd: BullMQ could not schedule "99 \* \* \* \*" in UTC/);
  });

  it('leaves job schedulers it did not make alone', async () => {
    await fx.queue.upsertJobScheduler('someone-else', { every: 60_000 }, { name: 'other', data: { kpiId: 'none' } });
    await reconcile(await catalogOf([{ id: 'a' }]));
    await reconcile(await catalogOf([{ id: 'b' }]));
    expect(Object.keys(await schedulers()).sort()).toEqual(['kpi-b', 'someone-else']);
  });

  it('replicas reconciling at once take turns: one scheduler per KPI, and exactly one replica reports each change', async () => {
    const catalog = await catalogOf(Array.from({ length: 300 }, (_, i) => ({ id: `k${i}` })));
    const results = await Promise.all([reconcile(catalog), reconcile(catalog), reconcile(catalog)]);
    expect(results.map((r) => r.added.length).sort((a, b) => a - b)).toEqual([0, 0, 300]);
    expect(Object.keys(await schedulers())).toHaveLength(300);
    expect(await fx.queue.getDelayedCount()).toBe(300);
  });

  it('first runs go to new and re-scheduled KPIs only, and the same first run queued twice is one job', async () => {
    const settings = queueSettingsFor(await catalogOf([]), { prefix: fx.prefix });
    const scheduler = new QueueScheduler(fx.redis, settings, quiet);
    try {
      const { dir } = writeQueueConfig({ kpis: [{ id: 'a' }, { id: 'b' }] });
      expect((await scheduler.apply(await loadQueueCatalog(dir), { firstRuns: true })).queued).toBe(2);
      // A second replica starting with the same config finds nothing new and queues nothing.
      expect((await scheduler.apply(await loadQueueCatalog(dir), { firstRuns: true })).queued).toBe(0);
      expect((await fx.queue.getWaiting()).map((j) => j.data.kpiId).sort()).toEqual(['a', 'b']);

      const again = await fx.queue.add('sync', { kpiId: 'a', scheduledFor: 1_700_000_000_000 }, { jobId: syncJobId('a', 1_700_000_000_000) });
      const duplicate = await fx.queue.add('sync', { kpiId: 'a', scheduledFor: 1_700_000_000_000 }, { jobId: syncJobId('a', 1_700_000_000_000) });
      expect(duplicate.id).toBe(again.id);
      expect(again.id).toBe('sync-a-1700000000000');
      expect(await fx.queue.getWaitingCount()).toBe(3);
    } finally {
      await scheduler.close();
    }
  });

  it('SIGHUP on a scheduler process reconciles with the new config; a bad config is rejected and changes nothing', async () => {
    const { dir } = writeQueueConfig({ kpis: [{ id: 'a' }, { id: 'b' }], settings: { runOnStart: false } });
    const scheduler = new QueueProcess('scheduler', dir, { redisUrl: server.url, databaseUrl: fx.databaseUrl, prefix: fx.prefix });
    processes.push(scheduler);
    await scheduler.started();
    expect(Object.keys(await schedulers()).sort()).toEqual(['kpi-a', 'kpi-b']);

    writeFileSync(path.join(dir, 'broken.yaml'), 'kpis:\n  - id: Bad Id\n');
    scheduler.signal('SIGHUP');
    await scheduler.waitFor((logs) => logs.some((l) => String(l.msg).includes('config reload rejected')));
    expect(Object.keys(await schedulers()).sort()).toEqual(['kpi-a', 'kpi-b']);

    writeQueueConfig({ kpis: [{ id: 'b', schedule: '0 9 * * *' }, { id: 'c' }], settings: { runOnStart: false } }, dir);
    rmSync(path.join(dir, 'broken.yaml'));
    scheduler.signal('SIGHUP');
    await scheduler.waitFor((logs) => logs.some((l) => l.msg === 'config reloaded'));
    const reloaded = scheduler.logs().find((l) => l.msg === 'config reloaded')!;
    expect(reloaded).toMatchObject({ added: ['c'], changed: ['b'], removed: ['a'], queued: 2 });
    expect(await schedulers()).toEqual({ 'kpi-b': '0 9 * * *@UTC', 'kpi-c': '*/15 * * * *@UTC' });

    scheduler.signal('SIGTERM');
    expect(await scheduler.exited).toBe(0);
  });
});
