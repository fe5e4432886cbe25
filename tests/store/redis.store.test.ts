import { randomUUID } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datapoint } from '../../src/domain/types.ts';
import { KsError } from '../../src/sdk/errors.ts';
import { toRedisStoreError } from '../../src/store/redis/redis-errors.ts';
import { checkRedis, compareVersions, createRedisConnection } from '../../src/store/redis/redis-requirements.ts';
import { openRedisStore } from '../../src/store/redis/redis.store.ts';
import type { Store } from '../../src/store/store.ts';
import { deletePrefix, startRedisServer, type RedisServer } from '../setup/redis-server.ts';
import { outboxEntry } from './contract-data.ts';
import { defineStoreContractTests } from './store.contract.ts';

let server: RedisServer;
let admin: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
}, 600_000);

afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
});

defineStoreContractTests('redis', async () => {
  const prefix = `test-${randomUUID()}`;
  const opened: Store[] = [await openRedisStore(server.url, { prefix })];
  return {
    store: opened[0]!,
    // A restarted process: a new store over a new ioredis connection, same prefix.
    reopen: async () => {
      await opened.at(-1)!.close();
      opened.push(await openRedisStore(server.url, { prefix }));
      return opened.at(-1)!;
    },
    cleanup: async () => {
      for (const store of opened) await store.close();
      await deletePrefix(admin, prefix);
    },
  };
});

describe('Redis store', () => {
  it('refuses a server whose maxmemory-policy can evict keys, saying how to fix it', async () => {
    const lru = await startRedisServer({ maxmemoryPolicy: 'allkeys-lru' });
    try {
      const error = await openRedisStore(lru.url, { prefix: `test-${randomUUID()}` }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KsError);
      expect(error).toMatchObject({ code: 'KS_ERR_STORE', retryable: false });
      expect((error as Error).message).toMatch(/maxmemory-policy is "allkeys-lru", but kpi-sync needs "noeviction"/);
      expect((error as Error).message).toContain('CONFIG SET maxmemory-policy noeviction');
    } finally {
      await lru.stop();
    }
  });

  it('reads the policy from INFO memory where CONFIG is disabled (managed Redis)', async () => {
    const managed = await startRedisServer({ maxmemoryPolicy: 'volatile-lru', args: ['--rename-command', 'CONFIG', ''] });
    const redis = new Redis(managed.url);
    try {
      await expect(redis.config('GET', 'maxmemory-policy')).rejects.toThrow(/unknown command/i);
      await expect(checkRedis(redis)).rejects.toThrow(/maxmemory-policy is "volatile-lru"/);
    } finally {
      redis.disconnect();
      await managed.stop();
    }
  });

  it('accepts the test server and reports its version', async () => {
    const { version } = await checkRedis(admin);
    expect(compareVersions(version, '6.2.0')).toBeGreaterThanOrEqual(0);
    expect(compareVersions('6.0.20', '6.2')).toBe(-1);
    expect(compareVersions('7.10.0', '7.2.4')).toBe(1);
    expect(compareVersions('6.2', '6.2.0')).toBe(0);
  });

  it('keeps stores with different prefixes apart and writes only under its own prefix', async () => {
    const [a, b] = [`test-${randomUUID()}`, `test-${randomUUID()}`];
    const storeA = await openRedisStore(admin, { prefix: a });
    const storeB = await openRedisStore(admin, { prefix: b });
    try {
      await storeA.upsertDatapoints([point('mrr', '2024-01-01T00:00:00Z', 1)]);
      await storeA.saveHealth('mrr', { state: 'ok', since: '2024-01-01T00:00:00Z' });
      await storeA.enqueueOutbox([outboxEntry('o1', '2024-01-01T00:00:00Z')]);
      await storeA.setCursor('kpi:mrr', { page: 1 });

      expect(await storeB.listDatapoints('mrr')).toEqual([]);
      expect(await storeB.getHealth('mrr')).toBeUndefined();
      expect(await storeB.listOutbox()).toEqual([]);
      expect(await storeB.getCursor('kpi:mrr')).toBeUndefined();

      // Earlier tests cleaned up after themselves, so these are all the keys there are.
      const keys = await admin.keys('*');
      expect(keys.filter((k) => !k.startsWith(`${a}:`))).toEqual([`${b}:schema`]);
      expect(keys.length).toBeGreaterThan(5);
    } finally {
      await storeA.close();
      await storeB.close();
      await deletePrefix(admin, a);
      await deletePrefix(admin, b);
    }
    // A caller-owned connection stays open after close().
    expect(await admin.ping()).toBe('PONG');
  });

  it('rejects a prefix that could overlap another prefix', async () => {
    await expect(openRedisStore(admin, { prefix: 'a:b' })).rejects.toMatchObject({ code: 'KS_ERR_CONFIG' });
    await expect(openRedisStore(admin, { prefix: 'kpi*' })).rejects.toThrow(/no ":" or glob characters/);
    const prefixed = new Redis(server.url, { keyPrefix: 'app:' });
    await expect(openRedisStore(prefixed, {})).rejects.toThrow(/keyPrefix/);
    prefixed.disconnect();
  });

  it('refuses keys written by a newer layout version', async () => {
    const prefix = `test-${randomUUID()}`;
    await admin.set(`${prefix}:schema`, '2');
    try {
      await expect(openRedisStore(admin, { prefix })).rejects.toThrow(/layout version 2, newer than this kpi-sync knows \(1\)/);
    } finally {
      await deletePrefix(admin, prefix);
    }
  });

  it('upserts 1,000 datapoints of several KPIs in one round trip', async () => {
    const prefix = `test-${randomUUID()}`;
    const store = await openRedisStore(admin, { prefix });
    const points = Array.from({ length: 1000 }, (_, i) => point(`kpi-${i % 7}`, new Date(Date.UTC(2020, 0, 1 + i)).toISOString(), i));
    const commands: string[] = [];
    const channel = diagnostics.tracingChannel<unknown, { command: string }>('ioredis:command');
    const ignore = () => undefined;
    const subscriber = {
      start: (context: { command: string }) => void commands.push(context.command),
      end: ignore,
      asyncStart: ignore,
      asyncEnd: ignore,
      error: ignore,
    };
    channel.subscribe(subscriber);
    try {
      expect(await store.upsertDatapoints(points)).toEqual({ written: 1000, skipped: 0 });
      expect(await store.upsertDatapoints(points)).toEqual({ written: 0, skipped: 1000 });
    } finally {
      channel.unsubscribe(subscriber);
      await store.close();
    }
    expect(commands).toHaveLength(2);
    expect(commands.every((c) => /^eval(sha)?$/i.test(c))).toBe(true);
    const reader = await openRedisStore(admin, { prefix });
    expect(await reader.listDatapoints('kpi-3')).toHaveLength(143);
    await reader.close();
    await deletePrefix(admin, prefix);
  });

  it('finds interrupted runs saved before the running-runs index existed (keys of an older kpi-sync)', async () => {
    const prefix = `test-${randomUUID()}`;
    const store = await openRedisStore(admin, { prefix });
    try {
      await store.saveRun({ id: 'stuck', kpi: 'mrr', source: 'crm', mode: 'current', status: 'running', startedAt: '2024-01-01T00:00:00Z' });
      await store.saveRun({ id: 'fine', kpi: 'mrr', source: 'crm', mode: 'current', status: 'ok', startedAt: '2024-01-01T00:01:00Z' });
      await admin.del(`${prefix}:run:running`, `${prefix}:run:running-indexed`);

      const options = { runsBefore: '2023-01-01T00:00:00Z', deliveredBefore: '2023-01-01T00:00:00Z', abandonedBefore: '2024-02-01T00:00:00Z', now: '2024-02-01T00:00:00Z' };
      expect(await store.pruneHistory(options)).toEqual({ runsDeleted: 0, outboxDeleted: 0, runsAbandoned: 1 });
      expect((await store.listRuns()).map((r) => [r.id, r.status, r.error?.code])).toEqual([
        ['fine', 'ok', undefined],
        ['stuck', 'failed', 'KS_ERR_INTERRUPTED'],
      ]);
      expect(await admin.get(`${prefix}:run:running-indexed`)).toBe('1');
      expect(await admin.zcard(`${prefix}:run:running`)).toBe(0);
    } finally {
      await store.close();
      await deletePrefix(admin, prefix);
    }
  });

  it('prunes in script calls of at most 1,000 records, leaving no index entry behind', async () => {
    const prefix = `test-${randomUUID()}`;
    const store = await openRedisStore(admin, { prefix });
    const commands: string[] = [];
    const channel = diagnostics.tracingChannel<unknown, { command: string }>('ioredis:command');
    const ignore = () => undefined;
    const subscriber = { start: (context: { command: string }) => void commands.push(context.command), end: ignore, asyncStart: ignore, asyncEnd: ignore, error: ignore };
    try {
      for (let i = 0; i < 2_500; i += 1) {
        await store.saveRun({ id: `r${i}`, kpi: 'mrr', source: 'crm', mode: 'current', status: 'ok', startedAt: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString() });
      }
      const options = { runsBefore: '2025-01-01T00:00:00Z', deliveredBefore: '2023-01-01T00:00:00Z', abandonedBefore: '2023-01-01T00:00:00Z', now: '2025-01-01T00:00:00Z' };
      channel.subscribe(subscriber);
      expect(await store.pruneHistory(options)).toMatchObject({ runsDeleted: 2_499 });
    } finally {
      channel.unsubscribe(subscriber);
      await store.close();
    }
    // Pruning reads 1,000 + 1,000 + 500 runs (3 calls); indexing running runs reads the one
    // left (1), then one read of running runs (1) and of delivered entries per channel (2).
    expect(commands.filter((c) => /^eval(sha)?$/i.test(c))).toHaveLength(3 + 1 + 1 + 2);
    expect(await admin.zcard(`${prefix}:run:all`)).toBe(1);
    expect(await admin.zcard(`${prefix}:run:k:mrr`)).toBe(1);
    expect(await admin.hlen(`${prefix}:run:rec`)).toBe(1);
    expect(await admin.hlen(`${prefix}:run:meta`)).toBe(1);
    await deletePrefix(admin, prefix);
  });

  it('reconnects after redis-server restarts or crashes mid-use and finds its data (AOF on)', async () => {
    // appendfsync always: even the SIGKILL below loses nothing that was acknowledged.
    const durable = await startRedisServer({ appendonly: true, args: ['--appendfsync', 'always'] });
    const connection = createRedisConnection(durable.url, pino({ enabled: false }), { retryBaseMs: 50, retryMaxMs: 200 });
    const store = await openRedisStore(connection, { prefix: `test-${randomUUID()}` });
    try {
      await store.upsertDatapoints([point('mrr', '2024-01-01T00:00:00Z', 1)]);
      await store.recordProgress({ kr: 'kr-1', value: 1, progress: 0.1, expected: 0.2, expectedAtDue: 1, track: 'at_risk', at: '2024-01-01T00:00:00Z' });
      await durable.restart();
      expect(await store.upsertDatapoints([point('mrr', '2024-02-01T00:00:00Z', 2)])).toEqual({ written: 1, skipped: 0 });

      // A call made while the server is down waits for the reconnect instead of failing.
      await durable.halt();
      const pending = store.upsertDatapoints([point('mrr', '2024-03-01T00:00:00Z', 3)]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await durable.start();
      expect(await pending).toEqual({ written: 1, skipped: 0 });
      expect(await store.latestProgress('kr-1')).toMatchObject({ value: 1, track: 'at_risk' });

      durable.kill();
      await durable.start();
      expect(await store.upsertDatapoints([point('mrr', '2024-04-01T00:00:00Z', 4)])).toEqual({ written: 1, skipped: 0 });
      expect((await store.listDatapoints('mrr')).map((p) => p.value)).toEqual([1, 2, 3, 4]);
    } finally {
      await store.close();
      connection.disconnect();
      await durable.stop();
    }
  });

  it('closes idempotently; a closed store rejects with a clear message', async () => {
    const store = await openRedisStore(server.url, { prefix: `test-${randomUUID()}` });
    await store.close();
    await store.close();
    await expect(store.getHealth('mrr')).rejects.toThrow(/the store is closed/);
  });

  it('names the bad field when input cannot be stored', async () => {
    const prefix = `test-${randomUUID()}`;
    const store = await openRedisStore(admin, { prefix });
    try {
      await expect(store.listDatapoints('mrr', { from: 'yesterday' })).rejects.toThrow(/from "yesterday" is not an ISO instant/);
      await expect(store.listDatapoints('mrr', { limit: -1 })).rejects.toThrow(/limit -1/);
      await expect(store.upsertDatapoints([point('mrr', '2024-01-01', Number.POSITIVE_INFINITY)])).rejects.toMatchObject({
        code: 'KS_ERR_INTERNAL',
        message: expect.stringMatching(/KPI "mrr" at 2024-01-01: value Infinity is not finite/),
      });
      await expect(store.enqueueOutbox([outboxEntry('x', '2024-01-01T00:00:00Z', { status: 'sent' as never })])).rejects.toThrow(/unknown status "sent"/);
      await expect(store.saveRun({ id: 'r', kpi: 'k', source: 's', mode: 'current', status: 'ok', startedAt: 'soon' })).rejects.toThrow(/startedAt "soon"/);
    } finally {
      await store.close();
      await deletePrefix(admin, prefix);
    }
  });

  it('marks connection failures and passing server states retryable, command errors not', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(toRedisStoreError('getHealth', refused)).toMatchObject({ code: 'KS_ERR_STORE', retryable: true });
    expect(toRedisStoreError('getHealth', new Error('LOADING Redis is loading the dataset in memory')).retryable).toBe(true);
    expect(toRedisStoreError('getHealth', new Error('Connection is closed.')).retryable).toBe(true);
    const oom = toRedisStoreError('saveRun', new Error("OOM command not allowed when used memory > 'maxmemory'."));
    expect(oom).toMatchObject({ retryable: false, message: expect.stringMatching(/Store saveRun failed: OOM .*raise maxmemory/) });
    expect(toRedisStoreError('x', new Error('ERR syntax error')).retryable).toBe(false);
  });
});

function point(kpi: string, period: string, value: number): Datapoint {
  return { kpi, period, value, observedAt: '2024-06-01T00:00:00Z', source: 'salesforce' };
}
