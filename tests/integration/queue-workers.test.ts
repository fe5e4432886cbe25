import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { QueueScheduler } from '../../src/schedule/queue/queue-scheduler.ts';
import { queueSettingsFor } from '../../src/schedule/queue/queue-settings.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { loadQueueCatalog, writeQueueConfig } from '../helpers/queue-config.ts';
import { QueueProcess, type QueueChildSettings } from '../helpers/queue-process.ts';
import { eventually, quiet, useQueueRedis } from '../helpers/queue-redis.ts';

/** Once a year: no scheduled tick fires during a test, so every run is one the test queued. */
const YEARLY = '0 0 1 1 *';

const processes: QueueProcess[] = [];

const { server, fx } = useQueueRedis({
  server: { appendonly: true },
  beforeClose: () => {
    for (const p of processes.splice(0)) if (p.child.exitCode === null) p.signal('SIGKILL');
  },
});

function spawn(role: 'all' | 'scheduler' | 'worker', dir: string, settings: QueueChildSettings = {}): QueueProcess {
  const p = new QueueProcess(role, dir, { redisUrl: server.url, databaseUrl: fx.databaseUrl, prefix: fx.prefix, settings });
  processes.push(p);
  return p;
}

/** Does what a scheduler replica does at start (first runs, delivery and staleness passes), from the test. */
async function queueFirstRuns(dir: string): Promise<number> {
  const catalog = await loadQueueCatalog(dir);
  const scheduler = new QueueScheduler(fx.redis, queueSettingsFor(catalog, { prefix: fx.prefix }), quiet);
  try {
    return (await scheduler.start(catalog, { firstRuns: true })).queued;
  } finally {
    await scheduler.close();
  }
}

/** The operations server's URL from the process's log. */
function opsUrl(p: QueueProcess): string {
  const line = p.logs().find((l) => String(l.msg).startsWith('operations server listening on'));
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(String(line?.msg))?.[1];
  if (!url) throw new Error(`no operations server URL in the log:\n${p.stdout.slice(-2000)}`);
  return url;
}

/** The pid of the worker whose memory connector started blocking on `kpi`. */
async function blockedIn(control: string, kpi: string): Promise<number> {
  const file = await eventually(() => readdirSync(control).find((f) => f.startsWith(`started-${kpi}-`)), 15_000, `${kpi} to start`);
  return Number(file.slice(`started-${kpi}-`.length));
}

describe('queue mode: worker processes', () => {
  it('two worker processes share 200 jobs; every KPI gets exactly one run and one datapoint for the period', { timeout: 60_000 }, async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `k${String(i).padStart(3, '0')}`);
    const { dir } = writeQueueConfig({ kpis: ids.map((id, i) => ({ id, value: i, schedule: YEARLY })), delayMs: 10 });
    const workers = [spawn('worker', dir, { concurrency: 4 }), spawn('worker', dir, { concurrency: 4 })];
    await Promise.all(workers.map((w) => w.started()));
    expect(await queueFirstRuns(dir)).toBe(200);

    await eventually(async () => (await fx.queue.getCompletedCount()) === 200 || undefined, 45_000, '200 completed jobs');
    const [first, second] = workers.map((w) => w.synced());
    expect(first!.length).toBeGreaterThan(0);
    expect(second!.length).toBeGreaterThan(0);
    expect([...first!, ...second!].sort()).toEqual(ids);
    for (const id of ids) {
      expect(await fx.store.listDatapoints(id)).toHaveLength(1);
      expect(await fx.store.listRuns({ kpi: id })).toHaveLength(1);
    }
    // Each worker serves its own health and metrics: ready means Redis answers too, and
    // its sync counter holds exactly the syncs this process ran.
    for (const [index, w] of workers.entries()) {
      const url = opsUrl(w);
      const ready = (await (await fetch(`${url}/readyz`)).json()) as { checks: Record<string, string> };
      expect(ready.checks).toEqual({ config: 'ok', store: 'ok', redis: 'ok' });
      const metrics = await (await fetch(`${url}/metrics`)).text();
      const runs = [...metrics.matchAll(/^kpi_sync_sync_runs_total\{[^}]*outcome="ok"[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
      expect(runs).toBe([first, second][index]!.length);
    }
    for (const w of workers) w.signal('SIGTERM');
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
  });

  it('a worker killed with SIGKILL mid-job: the job completes on the other one, with one datapoint and one alert', { timeout: 60_000 }, async () => {
    const receiver = await startReceiver();
    try {
      const { dir, control } = writeQueueConfig({ kpis: [{ id: 'slow', value: 5, band: { min: 10 }, block: true, schedule: YEARLY }], webhook: receiver.url });
      const workers = [spawn('worker', dir), spawn('worker', dir)];
      await Promise.all(workers.map((w) => w.started()));
      await queueFirstRuns(dir);

      const pid = await blockedIn(control, 'slow');
      const victim = workers.find((w) => w.pid === pid)!;
      const survivor = workers.find((w) => w.pid !== pid)!;
      victim.signal('SIGKILL');
      await victim.exited;
      writeFileSync(path.join(control, 'release-slow'), '');

      // The lock lapses, the survivor's stalled check puts the job back, and it runs there.
      await survivor.waitFor((logs) => logs.some((l) => l.kpi === 'slow' && String(l.msg).startsWith('synced')), 20_000);
      await eventually(async () => (await fx.queue.getCompletedCount()) === 1 || undefined, 10_000, 'the job to complete');
      expect(await fx.store.listDatapoints('slow')).toHaveLength(1);
      expect((await fx.store.listRuns({ kpi: 'slow' })).filter((r) => r.status === 'ok')).toHaveLength(1);
      expect(await fx.store.listOutbox({ channel: 'alert' })).toHaveLength(1);
      await eventually(() => receiver.received.length === 1 || undefined, 10_000, 'the alert delivery');
      await sleep(500);
      expect(receiver.received).toHaveLength(1);
      expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ type: 'health.transition' });
    } finally {
      await receiver.close();
    }
  });

  it('SIGTERM: the worker takes no new job, finishes the one in flight, and exits 0', { timeout: 30_000 }, async () => {
    const { dir, control } = writeQueueConfig({
      kpis: [
        { id: 'long', block: true, schedule: YEARLY },
        { id: 'later', schedule: YEARLY },
      ],
    });
    const worker = spawn('worker', dir, { concurrency: 1 });
    await worker.started();
    await queueFirstRuns(dir);
    await blockedIn(control, 'long');

    worker.signal('SIGTERM');
    await worker.waitFor((logs) => logs.some((l) => String(l.msg).startsWith('shutting down')));
    await sleep(300);
    expect(worker.child.exitCode).toBeNull();
    writeFileSync(path.join(control, 'release-long'), '');

    expect(await worker.exited).toBe(0);
    expect(worker.synced()).toEqual(['long']);
    // At info level a running worker logs a count per minute; the last one goes out at shutdown.
    expect(worker.logs().find((l) => String(l.msg).startsWith('synced 1 KPI(s)'))).toMatchObject({ ok: 1, failed: 0, deferred: 0 });
    expect(await fx.store.listDatapoints('long')).toHaveLength(1);
    expect(await fx.queue.getCompletedCount()).toBe(1);
    expect(await fx.queue.getWaitingCount()).toBe(1); // `later` waits for the next worker
  });

  it('SIGTERM past the shutdown timeout: the sync is aborted and its job goes back to the queue, attempt not counted', { timeout: 30_000 }, async () => {
    const { dir, control } = writeQueueConfig({ kpis: [{ id: 'stuck', block: true, schedule: YEARLY }], settings: { shutdownTimeout: 300 } });
    const worker = spawn('worker', dir);
    await worker.started();
    await queueFirstRuns(dir);
    await blockedIn(control, 'stuck');

    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.logs().some((l) => String(l.msg).startsWith('in-flight syncs did not finish within 300 ms; aborted and recorded as KS_ERR_ABORTED'))).toBe(
      true,
    );
    expect(await fx.store.listRuns({ kpi: 'stuck' })).toMatchObject([{ status: 'aborted', error: { code: 'KS_ERR_ABORTED' } }]);
    const [job] = await fx.queue.getWaiting();
    expect(job?.data.kpiId).toBe('stuck');
    expect(job?.attemptsMade).toBe(0);
    expect(await fx.queue.getFailedCount()).toBe(0);
  });

  it('two scheduler replicas at once: one scheduler per KPI, and no tick runs twice', { timeout: 30_000 }, async () => {
    const ids = ['s1', 's2', 's3'];
    const { dir } = writeQueueConfig({ kpis: ids.map((id) => ({ id, schedule: '* * * * * *' })), settings: { runOnStart: false } });
    const schedulers = [spawn('scheduler', dir), spawn('scheduler', dir)];
    await Promise.all(schedulers.map((s) => s.started()));
    expect((await fx.queue.getJobSchedulers(0, -1)).map((s) => s.key).sort()).toEqual(['kpi-s1', 'kpi-s2', 'kpi-s3']);

    const worker = spawn('worker', dir, { concurrency: 4 });
    await worker.started();
    const started = Date.now();
    await sleep(3_000);
    worker.signal('SIGTERM');
    await worker.exited;
    const seconds = (Date.now() - started) / 1_000;
    for (const id of ids) {
      const runs = await fx.store.listRuns({ kpi: id });
      expect(runs.length).toBeGreaterThanOrEqual(2);
      expect(runs.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    }
    // Every run belongs to its own scheduled second: as many distinct ticks ran as there are runs.
    const completed = await fx.queue.getCompleted(0, -1);
    for (const id of ids) {
      const ticks = completed.filter((j) => j.data.kpiId === id).map((j) => j.opts.prevMillis);
      expect(new Set(ticks).size).toBe((await fx.store.listRuns({ kpi: id })).length);
    }
    for (const s of schedulers) s.signal('SIGTERM');
    expect(await Promise.all(schedulers.map((s) => s.exited))).toEqual([0, 0]);
  });
});
