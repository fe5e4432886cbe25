import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/notify/dispatcher.ts';
import { createDeliverers } from '../../src/notify/deliverers.ts';
import type { PushPayload } from '../../src/notify/targets/push-payload.ts';
import { targetConfigSchema, type TargetConfig } from '../../src/notify/targets/target-schemas.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite.store.ts';
import type { OutboxEntry, Store } from '../../src/store/store.ts';
import { nrrMay } from '../fixtures/targets/push-payloads.ts';
import { json, startServer, type Loopback } from '../unit/sdk/loopback-server.ts';
import { startFakeQuantive, type FakeQuantive } from '../unit/targets/fake-platforms.ts';

const TOKEN = 'qtv-token-int-5d6e7f';
const ACCOUNT = 'acc-integration';

let dbFile: string;
let stores: Store[];
let servers: Loopback[];
let clock: Date;

beforeEach(() => {
  dbFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'kpi-push-')), 'outbox.db');
  stores = [];
  servers = [];
  clock = new Date('2026-06-01T07:00:00Z');
});
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(stores.map((s) => s.close()));
});

async function store(): Promise<Store> {
  const opened = await openSqliteStore(dbFile);
  stores.push(opened);
  return opened;
}

async function quantive(): Promise<FakeQuantive> {
  const server = await startFakeQuantive({ token: TOKEN, accountId: ACCOUNT });
  servers.push(server);
  return server;
}

function quantiveConfig(base: string, timeoutMs = 2_000): TargetConfig {
  return targetConfigSchema.parse({ kind: 'quantive', name: 'quantive', token: TOKEN, accountId: ACCOUNT, baseUrl: base, timeoutMs });
}

function dispatcher(on: Store, configs: TargetConfig[]): Dispatcher {
  const deliverers = createDeliverers({ destinations: [], targets: configs });
  return new Dispatcher({
    store: on,
    deliverers: () => deliverers,
    logger: pino({ level: 'silent' }),
    now: () => clock,
    random: () => 0.5,
    policy: { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAgeMs: 24 * 3_600_000 },
  });
}

/** The outbox entry the push planner writes for one (KR, target, period, value). */
function push(target: string, payload: PushPayload = nrrMay): OutboxEntry {
  const key = `${payload.key}_${target}`;
  const at = clock.toISOString();
  return {
    id: key,
    eventId: key,
    channel: 'push',
    destination: target,
    payload: { ...payload, key },
    status: 'pending',
    attempts: 0,
    createdAt: at,
    nextAttemptAt: at,
  };
}

describe('KR pushes through the dispatcher and the SQLite outbox', () => {
  it('fans out to two targets: the good one is delivered, the one answering 503 stays pending for retry', async () => {
    const db = await store();
    const q = await quantive();
    const down = await startServer((_req, res) => json(res, 503, { message: 'Tability is down for maintenance' }, { 'retry-after': '120' }));
    servers.push(down);
    const tability = targetConfigSchema.parse({
      kind: 'tability',
      name: 'tability',
      remoteCheckinsToken: 'rct-int-778899',
      personalApiToken: 'pat-int-665544',
      baseUrl: down.url,
    });
    await db.enqueueOutbox([push('quantive'), push('tability')]);

    const d = dispatcher(db, [quantiveConfig(q.base), tability]);
    expect(await d.tick()).toMatchObject({ delivered: 1, retried: 1 });
    expect(await db.getOutbox(`${nrrMay.key}_quantive`)).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200 });
    const waiting = await db.getOutbox(`${nrrMay.key}_tability`);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 503 });
    expect(waiting?.lastError).toMatch(/^POST 127\.0\.0\.1:\d+ → 503 Service Unavailable: Tability is down for maintenance$/);
    expect(Date.parse(waiting?.nextAttemptAt ?? '') - clock.getTime()).toBe(120_000); // its Retry-After beats our 0.5 s backoff
    expect(q.checkins).toHaveLength(1);

    // Later passes retry only the pending one; Quantive is never asked again.
    clock = new Date(clock.getTime() + 120_000);
    expect(await d.tick()).toMatchObject({ delivered: 0, retried: 1 });
    expect(down.seen).toHaveLength(2);
    expect(q.seen).toHaveLength(1);
  });

  it('a 500 then a success leaves exactly one check-in on Quantive', async () => {
    const db = await store();
    const q = await quantive();
    q.plan.push({ method: 'POST', status: 500 });
    await db.enqueueOutbox([push('quantive')]);
    const d = dispatcher(db, [quantiveConfig(q.base)]);

    expect(await d.tick()).toMatchObject({ retried: 1 });
    clock = new Date(Date.parse((await db.getOutbox(`${nrrMay.key}_quantive`))?.nextAttemptAt ?? ''));
    expect(await d.tick()).toMatchObject({ delivered: 1 });
    expect(await db.getOutbox(`${nrrMay.key}_quantive`)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(q.seen.map((r) => r.method)).toEqual(['POST', 'GET', 'POST']);
    expect(q.checkins).toHaveLength(1);
  });

  it('a restart between sending a check-in and recording its answer does not create a second one', async () => {
    const q = await quantive();
    // The first process sends the check-in; Quantive records it, and the process dies before the answer.
    q.plan.push({ method: 'POST', status: 200, landed: true, hang: true });
    const first = await store();
    await first.enqueueOutbox([push('quantive')]);
    const dying = dispatcher(first, [quantiveConfig(q.base, 60_000)]).tick();
    await expect.poll(() => q.checkins.length).toBe(1);
    const inFlight = await first.getOutbox(`${nrrMay.key}_quantive`);
    expect(inFlight).toMatchObject({ status: 'pending', attempts: 1 });

    // A new process on the same database, once the in-flight lease has run out.
    const second = await store();
    clock = new Date(Date.parse(inFlight?.nextAttemptAt ?? ''));
    expect(await dispatcher(second, [quantiveConfig(q.base)]).tick()).toMatchObject({ delivered: 1 });
    expect(await second.getOutbox(`${nrrMay.key}_quantive`)).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 200 });
    expect(q.seen.map((r) => r.method)).toEqual(['POST', 'GET']);
    expect(q.checkins).toHaveLength(1);

    // Let the dead process's request fail so nothing is left running when the stores close.
    await q.close();
    await dying.catch(() => undefined);
  });
});
