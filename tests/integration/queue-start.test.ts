import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/postgres.store.ts';
import type { SyncRun } from '../../src/store/store.ts';
import { CliProcess, runCli } from '../helpers/cli.ts';
import { usePostgresServer, useRedisServer } from '../helpers/queue-redis.ts';

/**
 * The real CLI in queue mode on the shipped example config: `kpi-sync start --role
 * scheduler` and `kpi-sync worker`, wired by REDIS_URL (the queue) and DATABASE_URL
 * (the data) alone.
 */
const server = useRedisServer();
const postgres = usePostgresServer();
const running: CliProcess[] = [];

afterEach(() => {
  for (const p of running.splice(0)) if (p.child.exitCode === null) p.signal('SIGKILL');
});

function cli(args: string[], prefix: string, databaseUrl: string): CliProcess {
  // Debug: queue-mode workers log each successful sync at debug (info gets a count per minute).
  const p = new CliProcess([...args, '--json', '--config', 'config/examples'], {
    REDIS_URL: server.url,
    DATABASE_URL: databaseUrl,
    KPI_SYNC_REDIS_PREFIX: prefix,
    LOG_LEVEL: 'debug',
  });
  running.push(p);
  return p;
}

const EXAMPLE_KPIS = ['mrr', 'trial_signups', 'churn_rate', 'ltv', 'cac', 'ltv_cac', 'open_critical_bugs', 'nps'];
const syncedBy = (p: CliProcess) =>
  p
    .logs()
    .filter((l) => String(l.msg).startsWith('synced'))
    .map((l) => String(l.kpi));

describe('kpi-sync in queue mode (REDIS_URL set)', () => {
  it('a scheduler and a worker sync every example KPI once, each serves its own ops endpoints, and both stop on SIGTERM', { timeout: 60_000 }, async () => {
    const prefix = `cli-${randomUUID()}`;
    const databaseUrl = await postgres.server.createDatabase();
    const scheduler = cli(['start', '--role', 'scheduler'], prefix, databaseUrl);
    await scheduler.waitFor((logs) => logs.some((l) => String(l.msg).startsWith('kpi-sync started in queue mode (role scheduler)')), 30_000);
    const worker = cli(['worker', '--concurrency', '2'], prefix, databaseUrl);
    await worker.waitFor(() => EXAMPLE_KPIS.every((id) => syncedBy(worker).includes(id)), 30_000);
    expect(syncedBy(worker).sort()).toEqual([...EXAMPLE_KPIS].sort());
    expect(syncedBy(scheduler)).toEqual([]);

    for (const p of [scheduler, worker]) {
      const line = p.logs().find((l) => String(l.msg).startsWith('operations server listening on'));
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(String(line?.msg))?.[1];
      expect(url, 'operations server URL in the log').toBeDefined();
      const ready = (await (await fetch(`${url}/readyz`)).json()) as { ok: boolean; checks: Record<string, string> };
      expect(ready).toEqual({ ok: true, checks: { config: 'ok', store: 'ok', redis: 'ok', ...(p === scheduler ? { schedulers: 'ok' } : {}) } });
      // The read API reads the shared Postgres store: the worker's values, seen from either process.
      const kpis = (await (await fetch(`${url}/api/kpis`)).json()) as { kpis: Array<{ id: string; latest?: { value: number } }> };
      expect(kpis.kpis.find((k) => k.id === 'mrr')?.latest?.value).toBeGreaterThan(0);
      // Bull Board is mounted in queue mode and sees the sync queue's completed jobs.
      const board = (await (await fetch(`${url}/queues/api/queues`)).json()) as { queues: Array<{ name: string; counts: Record<string, number> }> };
      expect(board.queues.find((q) => q.name === 'sync')?.counts.completed).toBeGreaterThanOrEqual(7);
    }

    // The one-shot commands read the same Postgres store when DATABASE_URL is set: same CLI in both modes.
    const status = await runCli(['status', '--config', 'config/examples'], { DATABASE_URL: databaseUrl });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/Monthly recurring revenue[^\n]*\d[\d,]* USD/);
    expect(status.stdout).toMatch(/Reduce churn[^\n]*Monthly churn below 5%[^\n]*\d+%/);
    const both = await runCli(['status', '--config', 'config/examples', '--db', 'some.db'], { DATABASE_URL: databaseUrl });
    expect(both.stderr).toMatch(/--db names a SQLite file, but DATABASE_URL \/ settings.store.url selects Postgres; use one of them/);

    for (const p of [scheduler, worker]) p.signal('SIGTERM');
    expect(await Promise.all([scheduler.exited, worker.exited])).toEqual([0, 0]);
  });

  it('runs a retention pass at start: old runs deleted, a run left running by an older version marked interrupted', { timeout: 60_000 }, async () => {
    const prefix = `cli-${randomUUID()}`;
    const databaseUrl = await postgres.server.createDatabase();
    const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
    const run = (id: string, startedAt: string, status: SyncRun['status']): SyncRun => ({
      id,
      kpi: 'nps',
      source: 'sample_data',
      mode: 'current',
      status,
      startedAt,
    });
    // A run left `running` in the store, as an older kpi-sync that saved runs before they finished would leave it.
    const seed = await openPostgresStore(databaseUrl);
    await seed.saveRun(run('ancient', ago(40 * 24), 'ok'));
    await seed.saveRun(run('crashed', ago(2), 'running'));
    await seed.close();

    const all = cli(['start'], prefix, databaseUrl);
    await all.waitFor((logs) => logs.some((l) => String(l.msg).startsWith('retention:')), 30_000);
    expect(all.logs().find((l) => String(l.msg).startsWith('retention:'))).toMatchObject({ runsDeleted: 1, runsAbandoned: 1 });
    all.signal('SIGTERM');
    expect(await all.exited).toBe(0);

    const store = await openPostgresStore(databaseUrl);
    try {
      const runs = await store.listRuns({ kpi: 'nps' });
      expect(runs.map((r) => r.id)).not.toContain('ancient');
      expect(runs.find((r) => r.id === 'crashed')).toMatchObject({ status: 'failed', error: { code: 'KS_ERR_INTERRUPTED' } });
    } finally {
      await store.close();
    }
  });

  it('--role without REDIS_URL is refused: embedded mode has no roles', async () => {
    const p = new CliProcess(['start', '--role', 'worker', '--config', 'config/examples'], { REDIS_URL: '' });
    running.push(p);
    expect(await p.exited).toBe(1);
    expect(p.stderr).toMatch(/--role worker needs queue mode \(set REDIS_URL\)/);
  });
});
