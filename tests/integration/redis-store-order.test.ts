import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datapoint } from '../../src/domain/types.ts';
import { openRedisStore } from '../../src/store/redis/redis.store.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite.store.ts';
import type { Store } from '../../src/store/store.ts';
import { deletePrefix, startRedisServer, type RedisServer } from '../setup/redis-server.ts';
import { outboxEntry, run } from '../store/contract-data.ts';

// Orderings the shared contract leaves open (equal instants, a run changing KPI, very
// long lists), run against both adapters so the Redis one keeps to what SQLite does.

let server: RedisServer;
let admin: Redis;
let dir: string;

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
  dir = await mkdtemp(join(tmpdir(), 'kpi-sync-order-'));
}, 600_000);

afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const adapters: [string, () => Promise<{ store: Store; cleanup: () => Promise<void> }>][] = [
  [
    'redis',
    async () => {
      const prefix = `test-${randomUUID()}`;
      const store = await openRedisStore(admin, { prefix });
      return { store, cleanup: async () => { await store.close(); await deletePrefix(admin, prefix); } };
    },
  ],
  [
    'sqlite',
    async () => {
      const store = await openSqliteStore(join(dir, `${randomUUID()}.db`));
      return { store, cleanup: () => store.close() };
    },
  ],
];

describe.each(adapters)('ties and edge orderings: %s', (_name, open) => {
  it('lists outbox entries created at the same instant newest insertion first', async () => {
    const { store, cleanup } = await open();
    try {
      const at = '2024-02-01T00:00:00Z';
      await store.enqueueOutbox([outboxEntry('m', at), outboxEntry('z', at), outboxEntry('a', at)]);
      await store.enqueueOutbox([outboxEntry('b', '2024-02-01T01:00:00+01:00')]);
      expect((await store.listOutbox()).map((e) => e.id)).toEqual(['b', 'a', 'z', 'm']);
      expect((await store.listOutbox({ limit: 2 })).map((e) => e.id)).toEqual(['b', 'a']);
      const z = (await store.getOutbox('z'))!;
      await store.updateOutbox({ ...z, status: 'failed', attempts: 3 });
      expect((await store.listOutbox({ status: ['pending', 'failed'] })).map((e) => e.id)).toEqual(['b', 'a', 'z', 'm']);
    } finally {
      await cleanup();
    }
  });

  it('hands out due entries with equal next attempts by creation instant', async () => {
    const { store, cleanup } = await open();
    try {
      const next = '2024-02-01T00:05:00Z';
      await store.enqueueOutbox([
        outboxEntry('later', '2024-02-01T00:00:02Z', { nextAttemptAt: next }),
        outboxEntry('earlier', '2024-02-01T00:00:01Z', { nextAttemptAt: next }),
        outboxEntry('old', '1969-12-31T23:59:59Z', { nextAttemptAt: next }),
      ]);
      expect((await store.dueOutbox(next, 10)).map((e) => e.id)).toEqual(['old', 'earlier', 'later']);
      const earlier = (await store.getOutbox('earlier'))!;
      await store.updateOutbox({ ...earlier, status: 'delivered', deliveredAt: next });
      expect((await store.dueOutbox(next, 10)).map((e) => e.id)).toEqual(['old', 'later']);
      await store.updateOutbox({ ...earlier, status: 'pending', nextAttemptAt: '2024-02-01T00:04:00Z' });
      expect((await store.dueOutbox(next, 10)).map((e) => e.id)).toEqual(['earlier', 'old', 'later']);
    } finally {
      await cleanup();
    }
  });

  it('lists runs that started at the same instant newest first, keeping that order on re-save', async () => {
    const { store, cleanup } = await open();
    try {
      const at = '2024-01-01T10:00:00Z';
      for (const id of ['r2', 'r1', 'r3']) await store.saveRun(run(id, 'mrr', at));
      await store.saveRun(run('r2', 'mrr', at, { status: 'ok' }));
      expect((await store.listRuns()).map((r) => r.id)).toEqual(['r3', 'r1', 'r2']);
      expect((await store.listRuns({ kpi: 'mrr', limit: 2 })).map((r) => r.id)).toEqual(['r3', 'r1']);
    } finally {
      await cleanup();
    }
  });

  it('moves a run re-saved under another KPI out of the old KPI listing', async () => {
    const { store, cleanup } = await open();
    try {
      await store.saveRun(run('r1', 'mrr', '2024-01-01T10:00:00Z'));
      await store.saveRun(run('r1', 'arr', '2024-01-01T10:00:00Z', { status: 'ok' }));
      expect(await store.listRuns({ kpi: 'mrr' })).toEqual([]);
      expect((await store.listRuns({ kpi: 'arr' })).map((r) => r.status)).toEqual(['ok']);
      expect(await store.listRuns()).toHaveLength(1);
    } finally {
      await cleanup();
    }
  });

  it('lists a long history in one call (more values than Lua can unpack at once)', async () => {
    const { store, cleanup } = await open();
    try {
      const points: Datapoint[] = Array.from({ length: 12_000 }, (_, i) => ({
        kpi: 'daily',
        period: new Date(Date.UTC(1990, 0, 1 + i)).toISOString(),
        value: i / 3,
        observedAt: '2024-06-01T00:00:00Z',
        source: 'csv',
      }));
      expect(await store.upsertDatapoints(points)).toEqual({ written: 12_000, skipped: 0 });
      const listed = await store.listDatapoints('daily');
      expect(listed).toHaveLength(12_000);
      expect(listed.at(-1)).toEqual(points.at(-1));
      expect((await store.listDatapoints('daily', { limit: 9000 }))[0]).toEqual(points[3000]);
    } finally {
      await cleanup();
    }
  });
});
