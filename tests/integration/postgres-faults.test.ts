import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SYNC_JOB_NAME, syncJobId } from '../../src/schedule/queue/sync-job.ts';
import { CliProcess } from '../helpers/cli.ts';
import { writeTestConfig } from '../helpers/config-folder.ts';
import { writeQueueConfig } from '../helpers/queue-config.ts';
import { QueueProcess } from '../helpers/queue-process.ts';
import { eventually, useQueueRedis } from '../helpers/queue-redis.ts';
import { startPostgresServer, type PostgresServer } from '../setup/postgres-server.ts';

/** Postgres failing under a running kpi-sync: nothing lost or doubled, nothing crashes, and /readyz tells the truth. */
const YEARLY = '0 0 1 1 *';
const processes: (QueueProcess | CliProcess)[] = [];
const servers: PostgresServer[] = [];

const {
  server: redis,
  postgres,
  fx,
} = useQueueRedis({
  beforeClose: () => {
    for (const p of processes.splice(0)) if (p.child.exitCode === null) p.signal('SIGKILL');
  },
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

function opsUrl(p: QueueProcess | CliProcess): string {
  const line = p.logs().find((l) => String(l.msg).startsWith('operations server listening on '));
  if (!line) throw new Error('no operations server line yet');
  return String(line.msg).slice('operations server listening on '.length).split(' ')[0]!;
}

describe('queue mode: Postgres faults', () => {
  it('Postgres restarted mid-run: the sync fails as retryable, BullMQ retries it, and it lands once', { timeout: 60_000 }, async () => {
    const { dir } = writeQueueConfig({ kpis: [{ id: 'a', value: 7, schedule: YEARLY }], settings: { runOnStart: false } });
    const worker = new QueueProcess('all', dir, {
      redisUrl: redis.url,
      databaseUrl: fx.databaseUrl,
      prefix: fx.prefix,
      settings: { backoffMs: 200, attempts: 20 },
    });
    processes.push(worker);
    await worker.started();

    await postgres.server.halt();
    const at = Date.now();
    await fx.queue.add(SYNC_JOB_NAME, { kpiId: 'a', scheduledFor: at }, { jobId: syncJobId('a', at), attempts: 20, backoff: { type: 'kpi-sync', delay: 200 } });
    await worker.waitFor((logs) => logs.some((l) => l.msg === 'sync job failed; retrying with backoff' && /KS_ERR_STORE/.test(String(l.error))));
    await postgres.server.start();

    await eventually(
      async () => (await fx.queue.getJobState(syncJobId('a', at))) === 'completed' || undefined,
      40_000,
      'the job to complete after Postgres is back',
    );
    const job = await fx.queue.getJob(syncJobId('a', at));
    expect(job?.attemptsMade).toBeGreaterThanOrEqual(1);
    expect((await fx.store.listDatapoints('a')).map((p) => p.value)).toEqual([7]);
    expect((await fx.store.listRuns({ kpi: 'a' })).filter((r) => r.status === 'ok')).toHaveLength(1);
    expect(JSON.stringify(worker.logs())).not.toMatch(/KS_ERR_INTERNAL/);
  });

  it('a pool smaller than the concurrency: syncs wait for a connection, and all of them land', { timeout: 60_000 }, async () => {
    const ids = Array.from({ length: 24 }, (_, i) => `p${i}`);
    const { dir } = writeQueueConfig({
      kpis: ids.map((id, i) => ({ id, value: i, schedule: YEARLY })),
      settings: { runOnStart: true, store: { poolSize: 1 } },
      delayMs: 20,
    });
    const worker = new QueueProcess('all', dir, { redisUrl: redis.url, databaseUrl: fx.databaseUrl, prefix: fx.prefix, settings: { concurrency: 8 } });
    processes.push(worker);
    await worker.started();
    await eventually(
      async () => {
        for (const id of ids) if ((await fx.store.listRuns({ kpi: id, limit: 1 }))[0]?.status !== 'ok') return undefined;
        return true;
      },
      40_000,
      'every KPI to sync',
    );
    expect(worker.child.exitCode).toBeNull();
  });
});

describe('Postgres down at start (embedded mode with DATABASE_URL)', () => {
  it('/readyz is 503 naming Postgres, one log line per attempt with capped backoff, 200 once it is up', { timeout: 60_000 }, async () => {
    const later = await startPostgresServer();
    servers.push(later);
    const url = await later.createDatabase();
    await later.halt();
    const { dir } = writeTestConfig();
    const p = new CliProcess(['start', '--config', dir], { DATABASE_URL: url });
    processes.push(p);
    const attempts = (logs: Record<string, unknown>[]) => logs.filter((l) => /^postgres at 127\.0\.0\.1:\d+ unreachable/.test(String(l.msg)));
    await p.waitFor((logs) => attempts(logs).length >= 3, 30_000);
    const delays = attempts(p.logs()).map((l) => Number(l.retryInMs));
    expect(delays.slice(0, 3)).toEqual([250, 500, 1000]);
    expect(JSON.stringify(p.logs())).not.toContain(new URL(url).password || `unset-${randomUUID()}`);
    const waiting = await fetch(`${opsUrl(p)}/readyz`);
    expect(waiting.status).toBe(503);
    expect(((await waiting.json()) as { checks: Record<string, string> }).checks.store).toMatch(/^waiting: connecting to Postgres at 127\.0\.0\.1:\d+$/);

    await later.start();
    await p.waitFor((logs) => logs.some((l) => String(l.msg).startsWith('kpi-sync started in embedded mode')), 30_000);
    expect((await fetch(`${opsUrl(p)}/readyz`)).status).toBe(200);
    p.signal('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});
