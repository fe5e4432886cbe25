import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { App } from '../../../src/app/app.ts';
import { runUntilSignal, type Lifecycle } from '../../../src/app/run-until-signal.ts';
import type { Catalog } from '../../../src/config/catalog.ts';
import type { Runtime, ScheduleDiff, StopOutcome } from '../../../src/schedule/runtime.ts';

const NO_DIFF: ScheduleDiff = { added: [], changed: [], removed: [] };

/** Everything the lifecycle does, in order. */
function recorder() {
  const events: string[] = [];
  const catalog = { kpis: new Map(), settings: { shutdownTimeout: 1000 } } as unknown as Catalog;
  let releaseReload: ((catalog: Catalog | undefined) => void) | undefined;
  const app = {
    catalog,
    redactor: { scrub: (t: string) => t },
    reloadOrKeep: (signal?: AbortSignal) =>
      new Promise<Catalog | undefined>((resolve) => {
        events.push('reload: reading the config');
        releaseReload = resolve;
        signal?.addEventListener('abort', () => resolve(undefined), { once: true });
      }),
    close: async () => void events.push('app closed (store last)'),
  } as unknown as App;
  const runtime: Runtime = {
    mode: 'embedded',
    start: async () => {
      events.push('runtime started');
      return NO_DIFF;
    },
    reload: async () => {
      events.push('runtime re-armed');
      return NO_DIFF;
    },
    stop: async (deadlineMs): Promise<StopOutcome> => {
      events.push(`runtime stopped (deadline ${deadlineMs} ms)`);
      return { finished: true, aborted: [] };
    },
  };
  return { events, app, runtime, release: (c: Catalog | undefined) => releaseReload?.(c), catalog };
}

function lifecycle(parts: ReturnType<typeof recorder>, signals: EventEmitter, extra: Partial<Lifecycle> = {}): Lifecycle {
  return {
    logger: pino({ enabled: false }),
    signals: signals as unknown as Lifecycle['signals'],
    deadlineMs: () => 1000,
    boot: async () => ({ app: parts.app, runtime: parts.runtime, describe: () => ({ fields: {}, message: 'started' }) }),
    servers: [{ close: async () => void parts.events.push('server closed') }],
    ...extra,
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('runUntilSignal', () => {
  it('stops in order: runtime (until the deadline), servers, then the store', async () => {
    const parts = recorder();
    const signals = new EventEmitter();
    const done = runUntilSignal(lifecycle(parts, signals));
    await tick();
    signals.emit('SIGTERM');
    expect(await done).toBe(0);
    expect(parts.events).toEqual(['runtime started', 'runtime stopped (deadline 1000 ms)', 'server closed', 'app closed (store last)']);
    expect(signals.listenerCount('SIGTERM') + signals.listenerCount('SIGHUP') + signals.listenerCount('SIGINT')).toBe(0);
  });

  it('cancels a reload in progress on SIGTERM, and never re-arms schedules after it', async () => {
    const parts = recorder();
    const signals = new EventEmitter();
    const done = runUntilSignal(lifecycle(parts, signals));
    await tick();
    signals.emit('SIGHUP');
    await tick();
    expect(parts.events).toContain('reload: reading the config');
    signals.emit('SIGTERM');
    expect(await done).toBe(0);
    // The config read finishing late (a slow secret file) changes nothing now.
    parts.release(parts.catalog);
    await tick();
    expect(parts.events).not.toContain('runtime re-armed');
  });

  it('a stop signal while boot still waits (for Postgres or Redis) ends without starting anything', async () => {
    const parts = recorder();
    const signals = new EventEmitter();
    const done = runUntilSignal(
      lifecycle(parts, signals, {
        boot: (signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
      }),
    );
    await tick();
    signals.emit('SIGINT');
    expect(await done).toBe(0);
    expect(parts.events).toEqual(['server closed']);
  });

  it('a failed start closes what is open and reports the error', async () => {
    const parts = recorder();
    const signals = new EventEmitter();
    parts.runtime.start = async () => {
      throw new Error('BullMQ could not schedule');
    };
    await expect(runUntilSignal(lifecycle(parts, signals))).rejects.toThrow('BullMQ could not schedule');
    expect(parts.events).toEqual(['runtime stopped (deadline 0 ms)', 'server closed', 'app closed (store last)']);
  });

  it('gives up at the deadline plus a second when something will not close', async () => {
    const parts = recorder();
    const signals = new EventEmitter();
    let missed = false;
    parts.runtime.stop = () => new Promise(() => {});
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const done = runUntilSignal(lifecycle(parts, signals, { deadlineMs: () => 10_000, onDeadlineMissed: () => void (missed = true) }));
      await tick();
      signals.emit('SIGTERM');
      await tick();
      vi.advanceTimersByTime(10_999);
      expect(missed).toBe(false);
      vi.advanceTimersByTime(1);
      expect(missed).toBe(true);
      void done;
    } finally {
      vi.useRealTimers();
    }
  });
});
