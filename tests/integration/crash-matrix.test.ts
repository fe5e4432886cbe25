import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/postgres.store.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite.store.ts';
import type { Store } from '../../src/store/store.ts';
import type { FaultPoint } from '../../src/sync/fault-point.ts';
import { CliProcess } from '../helpers/cli.ts';
import { crashConfig, HOOK_SECRET } from '../helpers/crash-config.ts';
import { usePostgresServer, useRedisServer } from '../helpers/queue-redis.ts';
import { startReceiver } from '../helpers/receiver.ts';

/**
 * DESIGN.md: no datapoint or alert is lost or doubled when a process is killed at any
 * point. For each point between the steps of a sync and of a delivery, a real
 * `kpi-sync start` is stopped there by SIGKILL, started again, and the store and the
 * receiver are checked: every datapoint once, the transition's alert in the outbox
 * exactly once and delivered at least once under one event id, and the KR push the
 * committed progress calls for queued exactly once and delivered. In both modes.
 */
const POINTS: FaultPoint[] = ['sync.after-read', 'sync.before-commit', 'sync.after-commit', 'delivery.before-send', 'delivery.after-send'];

const redis = useRedisServer({ appendonly: true });
const postgres = usePostgresServer();

const closers: (() => Promise<unknown> | undefined)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Mode {
  name: 'embedded' | 'queue';
  /** The environment and arguments a process of this mode gets, and how the test reads its store. */
  prepare(db: string): Promise<{ args: string[]; env: Record<string, string>; openStore(): Promise<Store> }>;
}

const MODES: Mode[] = [
  {
    name: 'embedded',
    prepare: async (db) => ({ args: ['--db', db], env: {}, openStore: () => openSqliteStore(db) }),
  },
  {
    name: 'queue',
    prepare: async () => {
      const databaseUrl = await postgres.server.createDatabase();
      return {
        args: [],
        env: { REDIS_URL: redis.url, DATABASE_URL: databaseUrl, KPI_SYNC_REDIS_PREFIX: `crash-${randomUUID()}` },
        openStore: () => openPostgresStore(databaseUrl, { poolSize: 2 }),
      };
    },
  },
];

describe.each(MODES)('crash matrix ($name mode)', (mode) => {
  it.each(POINTS)('SIGKILL at %s loses and doubles nothing after a restart', { timeout: 90_000 }, async (point) => {
    const receiver = await startReceiver();
    closers.push(receiver.close);
    const { dir, db } = crashConfig(receiver.url, { queue: mode.name === 'queue' });
    const { args, env, openStore } = await mode.prepare(db);
    const start = (extra: Record<string, string> = {}) => {
      const child = new CliProcess(['start', '--config', dir, ...args], { HOOK_SECRET, ...env, ...extra });
      closers.push(() => {
        if (child.child.exitCode === null) child.signal('SIGKILL');
      });
      return child;
    };

    const first = start({ KPI_SYNC_FAULT_POINT: point });
    await until(() => first.stderr.includes(`KPI_SYNC_FAULT_POINT reached: ${point}`), `the fault point ${point}`);
    first.signal('SIGKILL');
    await first.exited;

    const second = start();
    const store = await openStore();
    closers.push(() => store.close());
    await until(async () => (await store.listOutbox({ status: ['delivered'] })).length === 2, 'the alert and the KR push to be delivered');
    second.signal('SIGTERM');
    expect(await second.exited).toBe(0);

    expect((await store.listDatapoints('churn')).map((p) => p.value)).toEqual([9.5]);
    expect((await store.listTransitions('churn')).map((t) => [t.from, t.to])).toEqual([['no_data', 'critical']]);
    const outbox = await store.listOutbox();
    expect(outbox.map(({ channel, destination, status }) => ({ channel, destination, status })).sort((a, b) => a.channel.localeCompare(b.channel))).toEqual([
      { channel: 'alert', destination: 'ops', status: 'delivered' },
      { channel: 'push', destination: 'okr', status: 'delivered' },
    ]);
    expect((await store.listProgress('churn_down')).map((p) => p.value)).toEqual([9.5]);

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
