import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionPool } from '../../../connectors/sql/pool.ts';
import type { Session } from '../../../connectors/sql/session.ts';

/** Sessions that only record what the pool does with them. */
function fakeSession(id: number): Session & { id: number; events: string[]; breakIt(): void } {
  let broken = false;
  const events: string[] = [];
  return {
    id,
    events,
    breakIt: () => void (broken = true),
    get broken() {
      return broken;
    },
    readOnly: async (work) => work(async () => ({ columns: [], rows: [] })),
    cancel: async () => void events.push('cancel'),
    destroy: () => void events.push('destroy'),
    close: async () => void events.push('close'),
    idle: (idle) => void events.push(idle ? 'idle' : 'busy'),
  };
}

function makePool(size: number, idleMs = 60_000) {
  const opened: ReturnType<typeof fakeSession>[] = [];
  let empty = 0;
  const pool = new SessionPool(
    async () => {
      const session = fakeSession(opened.length + 1);
      opened.push(session);
      return session;
    },
    size,
    idleMs,
    () => void (empty += 1),
  );
  return { pool, opened, emptied: () => empty };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SessionPool', () => {
  it('reuses a released session instead of opening another', async () => {
    const { pool, opened } = makePool(2);
    const signal = new AbortController().signal;
    const first = await pool.acquire(signal);
    pool.release(first, true);
    expect(await pool.acquire(signal)).toBe(first);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.events).toEqual(['idle', 'busy']);
  });

  it('opens at most `size` sessions; the next caller waits for a release', async () => {
    const { pool, opened } = makePool(2);
    const signal = new AbortController().signal;
    const a = await pool.acquire(signal);
    await pool.acquire(signal);
    let third: Session | undefined;
    const waiting = pool.acquire(signal).then((s) => (third = s));
    await Promise.resolve();
    expect(third).toBeUndefined();
    pool.release(a, true);
    await waiting;
    expect(third).toBe(a);
    expect(opened).toHaveLength(2);
  });

  it('destroys a session released as not reusable, or broken, and opens a new one for a waiter', async () => {
    const { pool, opened } = makePool(1);
    const signal = new AbortController().signal;
    const a = await pool.acquire(signal);
    const waiting = pool.acquire(signal);
    pool.release(a, false);
    const b = await waiting;
    expect(b).not.toBe(a);
    expect(opened[0]!.events).toContain('destroy');
    (b as ReturnType<typeof fakeSession>).breakIt();
    pool.release(b, true);
    expect(opened[1]!.events).toContain('destroy');
    expect(await pool.acquire(signal)).toBe(opened[2]);
  });

  it('skips an idle session whose socket died meanwhile', async () => {
    const { pool, opened } = makePool(1);
    const signal = new AbortController().signal;
    const a = await pool.acquire(signal);
    pool.release(a, true);
    opened[0]!.breakIt();
    expect(await pool.acquire(signal)).toBe(opened[1]);
  });

  it('a waiter whose signal aborts leaves the queue with AbortedError; an aborted signal takes nothing', async () => {
    const { pool } = makePool(1);
    const held = await pool.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);
    controller.abort(new Error('shutdown'));
    await expect(waiting).rejects.toMatchObject({ code: 'KS_ERR_ABORTED' });
    await expect(pool.acquire(controller.signal)).rejects.toMatchObject({ code: 'KS_ERR_ABORTED' });
    pool.release(held, true);
    expect(await pool.acquire(new AbortController().signal)).toBe(held);
  });

  it('closes idle sessions after idleMs and then reports itself empty', async () => {
    vi.useFakeTimers();
    const { pool, opened, emptied } = makePool(2, 1_000);
    const a = await pool.acquire(new AbortController().signal);
    pool.release(a, true);
    expect(opened[0]!.events).not.toContain('close');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(opened[0]!.events).toContain('close');
    expect(emptied()).toBe(1);
  });

  it('a failed open frees its slot', async () => {
    let attempts = 0;
    const pool = new SessionPool(
      async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('refused');
        return fakeSession(attempts);
      },
      1,
      60_000,
    );
    await expect(pool.acquire(new AbortController().signal)).rejects.toThrow('refused');
    expect(await pool.acquire(new AbortController().signal)).toBeDefined();
  });
});
