import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultPoint } from '../../src/sync/fault-point.ts';
import { CliProcess } from '../helpers/cli.ts';
import { crashConfig, HOOK_SECRET } from '../helpers/crash-config.ts';
import { startReceiver } from '../helpers/receiver.ts';

/**
 * DESIGN.md: no datapoint or alert is lost or doubled when a process is killed at any
 * point. For each point between the steps of a sync and of a delivery, a real
 * `kpi-sync start` is stopped there by SIGKILL, started again, and the store and the
 * receiver are checked: every datapoint once, the transition's alert in the outbox
 * exactly once and delivered at least once under one event id, and the KR push the
 * committed progress calls for queued exactly once and delivered.
 */
const POINTS: FaultPoint[] = ['sync.after-read', 'sync.before-commit', 'sync.after-commit', 'delivery.before-send', 'delivery.after-send'];

const closers: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function start(dir: string, db: string, env: Record<string, string> = {}): CliProcess {
  const child = new CliProcess(['start', '--config', dir, '--db', db], { HOOK_SECRET, ...env });
  closers.push(() => {
    if (child.child.exitCode === null) child.signal('SIGKILL');
  });
  return child;
}

describe.each(POINTS)('crash matrix (embedded mode): SIGKILL at %s', (point) => {
  it('loses and doubles nothing after a restart', async () => {
    const receiver = await startReceiver();
    closers.push(receiver.close);
    const { dir, db } = crashConfig(receiver.url);

    const first = start(dir, db, { KPI_SYNC_FAULT_POINT: point });
    await until(() => first.stderr.includes(`KPI_SYNC_FAULT_POINT reached: ${point}`), `the fault point ${point}`);
    first.signal('SIGKILL');
    await first.exited;

    const second = start(dir, db);
    const delivered = () => {
      const sqlite = new Database(db, { readonly: true });
      try {
        return sqlite.prepare("select count(*) as n from outbox where status = 'delivered'").get() as { n: number };
      } finally {
        sqlite.close();
      }
    };
    await until(() => delivered().n === 2, 'the alert and the KR push to be delivered');
    second.signal('SIGTERM');
    expect(await second.exited).toBe(0);

    const sqlite = new Database(db, { readonly: true });
    const rows = (sql: string) => sqlite.prepare(sql).all() as Record<string, unknown>[];
    expect(rows("select value from datapoints where kpi = 'churn'")).toEqual([{ value: 9.5 }]);
    expect(rows("select from_state, to_state from health_transitions where kpi = 'churn'")).toEqual([{ from_state: 'no_data', to_state: 'critical' }]);
    const outbox = rows('select channel, destination, status, record from outbox order by channel');
    expect(outbox.map(({ channel, destination, status }) => ({ channel, destination, status }))).toEqual([
      { channel: 'alert', destination: 'ops', status: 'delivered' },
      { channel: 'push', destination: 'okr', status: 'delivered' },
    ]);
    expect(rows("select value from kr_progress where kr = 'churn_down'")).toEqual([{ value: 9.5 }]);
    sqlite.close();

    const hooks = receiver.received.filter((r) => r.path === '/hook');
    const pushes = receiver.received.filter((r) => r.path === '/push');
    expect(hooks.length).toBeGreaterThanOrEqual(1);
    expect(new Set(hooks.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(pushes.length).toBeGreaterThanOrEqual(1);
    expect(new Set(pushes.map((r) => (JSON.parse(r.body) as { key: string }).key)).size).toBe(1);
    // Only a crash after the receiver answered can make it hear the same thing twice.
    if (point !== 'delivery.after-send') {
      expect(hooks).toHaveLength(1);
      expect(pushes).toHaveLength(1);
    }
  });
});
