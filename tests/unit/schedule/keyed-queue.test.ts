import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../../../src/schedule/keyed-queue.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('KeyedQueue', () => {
  it('never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const queue = new KeyedQueue({
      limit: 2,
      work: async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running -= 1;
      },
      onError: () => {},
    });
    for (const key of ['a', 'b', 'c', 'd', 'e']) queue.request(key);
    await queue.idle();
    expect(peak).toBe(2);
  });

  it('coalesces a key that is already waiting', async () => {
    const runs: string[] = [];
    const gate = deferred();
    const queue = new KeyedQueue({
      limit: 1,
      work: async (key) => {
        runs.push(key);
        if (key === 'block') await gate.promise;
      },
      onError: () => {},
    });
    queue.request('block');
    queue.request('a');
    queue.request('a');
    queue.request('a');
    gate.resolve();
    await queue.idle();
    expect(runs).toEqual(['block', 'a']);
  });

  it('runs a key once more when it is asked for while running, never twice at once', async () => {
    const gate = deferred();
    let concurrent = 0;
    let maxConcurrent = 0;
    let runs = 0;
    const queue = new KeyedQueue({
      limit: 4,
      work: async () => {
        runs += 1;
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        if (runs === 1) await gate.promise;
        concurrent -= 1;
      },
      onError: () => {},
    });
    queue.request('k');
    queue.request('k'); // while running: rerun afterwards
    queue.request('k'); // still just one rerun
    gate.resolve();
    await queue.idle();
    expect(runs).toBe(2);
    expect(maxConcurrent).toBe(1);
  });

  it('reports errors and keeps going', async () => {
    const errors: string[] = [];
    const done: string[] = [];
    const queue = new KeyedQueue({
      limit: 1,
      work: async (key) => {
        if (key === 'bad') throw new Error('boom');
        done.push(key);
      },
      onError: (key, error) => errors.push(`${key}: ${(error as Error).message}`),
    });
    queue.request('bad');
    queue.request('good');
    await queue.idle();
    expect(errors).toEqual(['bad: boom']);
    expect(done).toEqual(['good']);
  });

  it('close() drops waiting work, waits for running work, and times out', async () => {
    const gate = deferred();
    const started: string[] = [];
    const queue = new KeyedQueue({
      limit: 1,
      work: async (key) => {
        started.push(key);
        await gate.promise;
      },
      onError: () => {},
    });
    queue.request('a');
    queue.request('b');
    expect(await queue.close(20)).toBe(false); // 'a' still running
    gate.resolve();
    expect(await queue.close(1000)).toBe(true);
    queue.request('c'); // ignored after close
    expect(started).toEqual(['a']);
  });

  it('starts the waiting keys of one group together, as one place of the limit', async () => {
    const gate = deferred();
    const started: string[] = [];
    const queue = new KeyedQueue({
      limit: 1,
      work: async (key) => {
        started.push(key);
        await gate.promise;
      },
      onError: () => {},
      groupOf: (key) => (key.startsWith('csv') ? 'sales.csv' : key),
    });
    queue.request('csv-a', 'api', 'csv-b', 'csv-c');
    // The limit is 1 group: the file's three KPIs run together, the API KPI waits.
    expect(started).toEqual(['csv-a', 'csv-b', 'csv-c']);
    expect(queue.size).toEqual({ pending: 1, running: 3 });
    gate.resolve();
    await queue.idle();
    expect(started).toEqual(['csv-a', 'csv-b', 'csv-c', 'api']);
  });

  it('a key of a group that is already running waits for the next place rather than joining halfway', async () => {
    const first = deferred();
    const started: string[] = [];
    const queue = new KeyedQueue({
      limit: 1,
      work: async (key) => {
        started.push(key);
        if (key === 'csv-a') await first.promise;
      },
      onError: () => {},
      groupOf: () => 'sales.csv',
    });
    queue.request('csv-a');
    queue.request('csv-b');
    expect(started).toEqual(['csv-a']);
    first.resolve();
    await queue.idle();
    expect(started).toEqual(['csv-a', 'csv-b']);
  });
});
