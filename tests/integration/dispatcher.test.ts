import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Deliverer, DeliveryResult } from '../../src/notify/delivery.ts';
import { Dispatcher } from '../../src/notify/dispatcher.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite.store.ts';
import type { OutboxEntry, Store } from '../../src/store/store.ts';

let store: Store;
let dbFile: string;
let clock: Date;

beforeEach(async () => {
  dbFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'kpi-dispatch-')), 'outbox.db');
  store = await openSqliteStore(dbFile);
  clock = new Date('2026-11-23T10:00:00Z');
});
afterEach(() => store.close());

function entry(id: string, destination = 'hook', extra: Partial<OutboxEntry> = {}): OutboxEntry {
  const at = clock.toISOString();
  return {
    id,
    eventId: `evt-${id}`,
    channel: 'alert',
    destination,
    payload: { id: `evt-${id}` },
    status: 'pending',
    attempts: 0,
    createdAt: at,
    nextAttemptAt: at,
    ...extra,
  };
}

/** A destination that answers from a script and records what it was given. */
function scripted(name: string, answers: DeliveryResult[]): Deliverer & { calls: { payload: unknown; attempt: number }[] } {
  const calls: { payload: unknown; attempt: number }[] = [];
  return {
    name,
    calls,
    async deliver(payload, attempt) {
      calls.push({ payload, attempt: attempt.number });
      const answer = answers.shift();
      if (!answer) throw new Error('no scripted answer left');
      return answer;
    },
  };
}

function dispatcher(deliverers: Deliverer[], policy = {}): Dispatcher {
  return new Dispatcher({
    store,
    deliverers: () => new Map(deliverers.map((d) => [d.name, d])),
    logger: pino({ level: 'silent' }),
    now: () => clock,
    random: () => 0.5,
    policy: { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAgeMs: 3_600_000, ...policy },
  });
}

describe('outbox dispatcher', () => {
  it('retries a retryable failure with backoff under the same event id, then delivers once', async () => {
    const hook = scripted('hook', [
      { outcome: 'retry', status: 500, error: '500 Internal Server Error' },
      { outcome: 'delivered', status: 200 },
    ]);
    const d = dispatcher([hook]);
    await store.enqueueOutbox([entry('a')]);

    expect(await d.tick()).toMatchObject({ retried: 1 });
    const waiting = (await store.getOutbox('a'))!;
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500, lastError: '500 Internal Server Error' });
    expect(Date.parse(waiting.nextAttemptAt) - clock.getTime()).toBe(500); // full jitter: 0.5 × 1 s

    expect(await d.tick()).toMatchObject({ retried: 0, delivered: 0 }); // not due yet
    clock = new Date(clock.getTime() + 500);
    expect(await d.tick()).toMatchObject({ delivered: 1 });
    expect(await store.getOutbox('a')).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 200 });
    expect(hook.calls.map((c) => [c.payload, c.attempt])).toEqual([
      [{ id: 'evt-a' }, 1],
      [{ id: 'evt-a' }, 2],
    ]);
    expect(await d.tick()).toMatchObject({ delivered: 0 }); // never twice
  });

  it("waits at least as long as the receiver's Retry-After", async () => {
    const d = dispatcher([scripted('hook', [{ outcome: 'retry', status: 429, retryAfterMs: 30_000, error: '429' }])]);
    await store.enqueueOutbox([entry('a')]);
    await d.tick();
    expect(Date.parse((await store.getOutbox('a'))!.nextAttemptAt) - clock.getTime()).toBe(30_000);
  });

  it('stops on a permanent failure and keeps the response', async () => {
    const d = dispatcher([scripted('hook', [{ outcome: 'failed', status: 404, response: 'no such hook' }])]);
    await store.enqueueOutbox([entry('a')]);
    expect(await d.tick()).toMatchObject({ failed: 1 });
    expect(await store.getOutbox('a')).toMatchObject({ status: 'failed', lastStatus: 404, lastError: 'no such hook' });
    expect(await store.dueOutbox(new Date(clock.getTime() + 86_400_000).toISOString(), 10)).toEqual([]);
  });

  it('410 Gone disables the destination: its other entries are held, not dropped, until re-enabled', async () => {
    const gone = scripted('gone', [
      { outcome: 'failed', status: 410, response: 'no_service', disable: true },
      { outcome: 'delivered', status: 200 },
    ]);
    const other = scripted('other', [{ outcome: 'delivered', status: 200 }]);
    const d = dispatcher([gone, other]);
    await store.enqueueOutbox([entry('a', 'gone'), entry('b', 'gone', { createdAt: new Date(clock.getTime() + 1).toISOString() }), entry('c', 'other')]);
    expect(await d.tick()).toMatchObject({ failed: 1, held: 1, delivered: 1 });
    expect((await store.disabledDestinations()).get('gone')).toMatchObject({ status: 410 });
    expect(await store.getOutbox('b')).toMatchObject({ status: 'pending', attempts: 0 });

    await store.setDestinationDisabled('gone', undefined); // what `kpi-sync alerts enable gone` does
    clock = new Date(clock.getTime() + 1_000);
    expect(await d.tick()).toMatchObject({ delivered: 1 });
    expect(await store.getOutbox('b')).toMatchObject({ status: 'delivered' });
  });

  it('dead-letters an entry that cannot be delivered within the maximum age', async () => {
    const hook = scripted(
      'hook',
      Array.from({ length: 20 }, () => ({ outcome: 'retry' as const, status: 503, error: 'unavailable' })),
    );
    const d = dispatcher([hook], { maxAgeMs: 10_000, baseDelayMs: 1_000, maxDelayMs: 4_000 });
    await store.enqueueOutbox([entry('a')]);
    for (let i = 0; i < 20 && (await store.getOutbox('a'))!.status === 'pending'; i++) {
      await d.tick();
      clock = new Date(Date.parse((await store.getOutbox('a'))!.nextAttemptAt));
    }
    const dead = (await store.getOutbox('a'))!;
    expect(dead.status).toBe('dead');
    expect(dead.attempts).toBeGreaterThan(2);
    expect(dead.lastError).toBe('unavailable');
  });

  it('treats a destination that throws as retryable, and a removed destination as failed', async () => {
    const broken: Deliverer = { name: 'hook', deliver: () => Promise.reject(new Error('bug in destination')) };
    const d = dispatcher([broken]);
    await store.enqueueOutbox([entry('a'), entry('b', 'removed')]);
    expect(await d.tick()).toMatchObject({ retried: 1, failed: 1 });
    expect(await store.getOutbox('a')).toMatchObject({ status: 'pending', lastError: 'bug in destination' });
    expect(await store.getOutbox('b')).toMatchObject({ status: 'failed', lastError: 'destination "removed" is no longer configured' });
  });

  it('records the attempt before making it: a crash mid-request is retried after the lease, as attempt 2, same event id', async () => {
    await store.enqueueOutbox([entry('a')]);
    // The first process dies while the receiver is answering: deliver() never returns.
    const hanging: Deliverer = { name: 'hook', deliver: () => new Promise<DeliveryResult>(() => {}) };
    void dispatcher([hanging]).tick();
    await new Promise((r) => setTimeout(r, 50));
    const inFlight = (await store.getOutbox('a'))!;
    expect(inFlight).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await store.dueOutbox(clock.toISOString(), 10)).toEqual([]); // leased, not handed out twice

    clock = new Date(Date.parse(inFlight.nextAttemptAt));
    const second = scripted('hook', [{ outcome: 'delivered', status: 200 }]);
    await dispatcher([second]).tick();
    expect(second.calls).toEqual([{ payload: { id: 'evt-a' }, attempt: 2 }]); // attempt 2: it may have arrived before
    expect(await store.getOutbox('a')).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('two processes delivering from one store send each entry once (a run --once beside the workers)', async () => {
    const other = await openSqliteStore(dbFile);
    try {
      const sent: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      // Slow receivers: each process holds its first entry while the other reads the same due list.
      const slow = (): Deliverer => ({
        name: 'hook',
        async deliver(payload) {
          sent.push((payload as { id: string }).id);
          await gate;
          return { outcome: 'delivered', status: 200 };
        },
      });
      await store.enqueueOutbox(['a', 'b', 'c', 'd'].map((id) => entry(id)));
      const first = dispatcher([slow()]);
      const second = new Dispatcher({ store: other, deliverers: () => new Map([['hook', slow()]]), logger: pino({ level: 'silent' }), now: () => clock });
      const passes = Promise.all([first.tick(), second.tick()]);
      setImmediate(release);
      const [a, b] = await passes;
      expect(sent.sort()).toEqual(['evt-a', 'evt-b', 'evt-c', 'evt-d']);
      expect(a.delivered + b.delivered).toBe(4);
      expect(a.elsewhere + b.elsewhere).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });
});
