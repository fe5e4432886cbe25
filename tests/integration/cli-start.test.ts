import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite.store.ts';
import type { OutboxEntry, SyncRun } from '../../src/store/store.ts';
import { CliProcess, tempDir } from '../helpers/cli.ts';
import { writeTestConfig } from '../helpers/config-folder.ts';

const running: CliProcess[] = [];
afterEach(() => {
  for (const p of running.splice(0)) if (p.child.exitCode === null) p.signal('SIGKILL');
});

function start(args: string[]): CliProcess {
  const p = new CliProcess(['start', '--json', ...args]);
  running.push(p);
  return p;
}

const synced = (kpi: string) => (logs: Record<string, unknown>[]) => logs.some((l) => l.kpi === kpi && String(l.msg).startsWith('synced'));

describe('kpi-sync start (embedded mode)', () => {
  it('on the example config: syncs every KPI with real values, then exits 0 on SIGTERM', async () => {
    const db = path.join(tempDir(), 'examples.db');
    const worker = start(['--config', 'config/examples', '--db', db]);
    const ids = ['mrr', 'trial_signups', 'churn_rate', 'ltv', 'cac', 'ltv_cac', 'open_critical_bugs', 'nps'];
    await worker.waitFor((logs) => ids.every((id) => synced(id)(logs)), 30_000);
    const lines = worker
      .logs()
      .filter((l) => String(l.msg).startsWith('synced'))
      .map((l) => String(l.msg));
    // Every line carries a number for the current period, e.g. "synced mrr · 2026-11 = 52,480 USD · health ok".
    for (const id of ids) expect(lines.find((l) => l.startsWith(`synced ${id} ·`))).toMatch(/ = -?[\d,.]+/);
    expect(lines.find((l) => l.startsWith('synced ltv_cac'))).toMatch(/ = \d\.\d+ x/);

    // The operations server came up beside the worker, on loopback.
    const listening = worker.logs().find((l) => String(l.msg).startsWith('operations server listening on'));
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(String(listening?.msg))?.[1];
    expect(url, 'operations server URL in the log').toBeDefined();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/kpi_value\{[^}]*kpi="mrr"[^}]*\} \d+/);
    expect(metrics).toMatch(/kpi_sync_sync_runs_total\{[^}]*outcome="ok"/);
    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.logs().some((l) => l.msg === 'stopped')).toBe(true);
  });

  it('SIGHUP: a bad config is rejected and the running one stays; a good one is applied and its new KPI scheduled', async () => {
    const { dir, db } = writeTestConfig();
    const worker = start(['--config', dir, '--db', db]);
    await worker.waitFor(synced('north_share'));

    writeFileSync(path.join(dir, 'broken.yaml'), 'kpis:\n  - id: Bad Id\n');
    worker.signal('SIGHUP');
    await worker.waitFor((logs) => logs.some((l) => String(l.msg).includes('config reload rejected')));
    const rejected = worker.logs().find((l) => String(l.msg).includes('config reload rejected'))!;
    expect(JSON.stringify(rejected.issues)).toMatch(/broken\.yaml:2/);

    writeFileSync(
      path.join(dir, 'broken.yaml'),
      `kpis:
  - id: south_today
    name: South sales today
    category: Growth
    interval: day
    timezone: UTC
    source:
      connection: local
      query:
        date: { column: date }
        value: { column: amount, aggregate: sum }
        filter: [{ column: region, equals: south }]
`,
    );
    worker.signal('SIGHUP');
    await worker.waitFor((logs) => logs.some((l) => l.msg === 'config reloaded'));
    const reloaded = worker.logs().find((l) => l.msg === 'config reloaded')!;
    expect(reloaded.added).toEqual(['south_today']);
    expect(reloaded.removed).toEqual([]);
    await worker.waitFor(synced('south_today')); // a new KPI syncs at once, not at its next tick

    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(0);
  });

  it('retention: shortly after start, deletes old runs and delivered alerts and marks a run its crashed process left running', async () => {
    const { dir, db } = writeTestConfig();
    const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
    const seed = await openSqliteStore(db);
    const run = (id: string, startedAt: string, status: SyncRun['status']): SyncRun => ({
      id,
      kpi: 'sales_today',
      source: 'local',
      mode: 'current',
      status,
      startedAt,
    });
    await seed.saveRun(run('ancient', ago(40 * 24), 'ok'));
    await seed.saveRun(run('crashed', ago(2), 'running'));
    const entry = (id: string, status: OutboxEntry['status']): OutboxEntry => ({
      id,
      eventId: `evt-${id}`,
      channel: 'alert',
      destination: 'ops',
      payload: {},
      status,
      attempts: 1,
      createdAt: ago(40 * 24),
      nextAttemptAt: ago(40 * 24),
      ...(status === 'delivered' ? { deliveredAt: ago(40 * 24) } : {}),
    });
    await seed.enqueueOutbox([entry('sent', 'delivered'), entry('gave-up', 'dead')]);
    await seed.close();

    const worker = start(['--config', dir, '--db', db]);
    await worker.waitFor((logs) => logs.some((l) => String(l.msg).startsWith('retention:')));
    const line = worker.logs().find((l) => String(l.msg).startsWith('retention:'))!;
    expect(line).toMatchObject({ level: 30, runsDeleted: 1, outboxDeleted: 1, runsAbandoned: 1 });
    expect(line.msg).toBe('retention: deleted old sync runs (1) and delivered alerts/pushes (1); marked runs still running after 1h as interrupted (1)');
    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(0);

    const store = await openSqliteStore(db);
    try {
      const runs = await store.listRuns({ kpi: 'sales_today' });
      expect(runs.map((r) => r.id)).not.toContain('ancient');
      expect(runs.find((r) => r.id === 'crashed')).toMatchObject({ status: 'failed', finishedAt: expect.any(String), error: { code: 'KS_ERR_INTERRUPTED' } });
      expect(await store.getOutbox('sent')).toBeUndefined();
      expect(await store.getOutbox('gave-up')).toMatchObject({ status: 'dead' });
    } finally {
      await store.close();
    }
  });
});
