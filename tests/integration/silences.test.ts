import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Deliverer } from '../../src/notify/delivery.ts';
import { Dispatcher } from '../../src/notify/dispatcher.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite.store.ts';
import type { OutboxEntry, Silence, Store } from '../../src/store/store.ts';

let store: Store;
let clock: Date;

beforeEach(async () => {
  store = await openSqliteStore(path.join(mkdtempSync(path.join(os.tmpdir(), 'kpi-silence-')), 'outbox.db'));
  clock = new Date('2026-11-23T10:00:00Z');
});
afterEach(() => store.close());

const at = (minutes: number) => new Date(Date.parse('2026-11-23T10:00:00Z') + minutes * 60_000).toISOString();

function alert(id: string, kpi: string, category = 'Growth', extra: Partial<OutboxEntry> = {}): OutboxEntry {
  const now = clock.toISOString();
  const payload = {
    id: `evt-${id}`,
    type: 'health.transition',
    kpi: { id: kpi, name: kpi, category },
    from: 'ok',
    to: 'critical',
    trend: [],
    episode: `${kpi}-1`,
  };
  return {
    id,
    eventId: `evt-${id}`,
    channel: 'alert',
    destination: 'hook',
    payload,
    status: 'pending',
    attempts: 0,
    createdAt: now,
    nextAttemptAt: now,
    ...extra,
  };
}

function silence(id: string, matcher: Silence['matcher'], from: number, until: number): Silence {
  return { id, matcher, startsAt: at(from), endsAt: at(until), reason: 'planned CRM migration', createdBy: 'alice' };
}

/** A receiver that takes everything and remembers what it got. */
function recording(): Deliverer & { got: string[] } {
  const got: string[] = [];
  return {
    name: 'hook',
    got,
    deliver: async (payload) => {
      got.push((payload as { id: string }).id);
      return { outcome: 'delivered', status: 200 };
    },
  };
}

function dispatcher(hook: Deliverer, on: Store = store): Dispatcher {
  return new Dispatcher({
    store: on,
    deliverers: () => new Map([[hook.name, hook]]),
    logger: pino({ level: 'silent' }),
    now: () => clock,
    random: () => 0.5,
    policy: { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAgeMs: 3_600_000 },
  });
}

describe('silences in delivery', () => {
  it('records a matching alert as silenced, with which silence and why, and sends it nowhere', async () => {
    const hook = recording();
    await store.addSilence(silence('sil-1', { kpi: 'churn' }, -5, 120));
    await store.enqueueOutbox([alert('a', 'churn'), alert('b', 'mrr')]);

    expect(await dispatcher(hook).tick()).toMatchObject({ silenced: 1, delivered: 1 });
    expect(hook.got).toEqual(['evt-b']);
    expect(await store.getOutbox('a')).toMatchObject({
      status: 'silenced',
      attempts: 0,
      lastError: `silenced by sil-1 (KPI churn until ${at(120)}, added by alice): planned CRM migration`,
    });
    expect(await dispatcher(hook).tick()).toMatchObject({ silenced: 0, delivered: 0 }); // terminal: never handed out again
  });

  it('silences a whole category, resolved notifications included, but never a KR push', async () => {
    const hook = recording();
    await store.addSilence(silence('sil-cat', { category: 'Quality' }, 0, 60));
    const resolved = alert('r', 'bugs', 'Quality');
    (resolved.payload as { from: string; to: string }).from = 'critical';
    (resolved.payload as { from: string; to: string }).to = 'ok';
    const push: OutboxEntry = { ...alert('p', 'bugs', 'Quality'), channel: 'push', payload: { id: 'evt-p', kr: 'fewer_bugs' } };
    await store.enqueueOutbox([alert('t', 'bugs', 'Quality'), resolved, push, alert('g', 'mrr', 'Growth')]);

    expect(await dispatcher(hook).tick()).toMatchObject({ silenced: 2, delivered: 2 });
    expect(hook.got.sort()).toEqual(['evt-g', 'evt-p']);
    expect((await store.listOutbox({ status: ['silenced'] })).map((e) => e.id).sort()).toEqual(['r', 't']);
  });

  it('applies only while active: not before it starts, not from the instant it ends, not once removed', async () => {
    const hook = recording();
    await store.addSilence(silence('later', { kpi: 'churn' }, 30, 60));
    await store.enqueueOutbox([alert('before', 'churn')]);
    await dispatcher(hook).tick();
    expect(hook.got).toEqual(['evt-before']);

    clock = new Date(at(30));
    await store.enqueueOutbox([alert('during', 'churn')]);
    expect(await dispatcher(hook).tick()).toMatchObject({ silenced: 1 });

    clock = new Date(at(60));
    await store.enqueueOutbox([alert('after', 'churn')]);
    expect(await dispatcher(hook).tick()).toMatchObject({ delivered: 1 });

    await store.addSilence(silence('again', { kpi: 'churn' }, 60, 600));
    await store.removeSilence('again', at(61));
    clock = new Date(at(61));
    await store.enqueueOutbox([alert('removed', 'churn')]);
    expect(await dispatcher(hook).tick()).toMatchObject({ delivered: 1, silenced: 0 });
    expect(hook.got).toEqual(['evt-before', 'evt-after', 'evt-removed']);
  });

  it('silences an alert that was waiting for a retry when the silence was added, rather than dead-lettering it', async () => {
    const hook = recording();
    await store.enqueueOutbox([alert('old', 'churn', 'Growth', { attempts: 4, createdAt: at(-120), nextAttemptAt: at(-1), lastError: '503' })]);
    await store.addSilence(silence('sil', { kpi: 'churn' }, 0, 60));
    expect(await dispatcher(hook).tick()).toMatchObject({ silenced: 1, dead: 0 });
    expect(await store.getOutbox('old')).toMatchObject({ status: 'silenced', attempts: 4 });
  });

  it('reads the silences once per pass, and not at all when no alert is due', async () => {
    let reads = 0;
    const counting = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'listSilences')
          return (...args: Parameters<Store['listSilences']>) => {
            reads++;
            return target.listSilences(...args);
          };
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const d = dispatcher(recording(), counting);
    await store.enqueueOutbox([alert('a', 'churn'), alert('b', 'mrr'), alert('c', 'nps')]);
    await d.tick();
    expect(reads).toBe(1);
    await store.enqueueOutbox([{ ...alert('p', 'churn'), channel: 'push' }]);
    await d.tick();
    await d.tick();
    expect(reads).toBe(1);
  });
});
