import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { periodic } from '../../../src/schedule/periodic.ts';

describe('periodic', () => {
  it('runs first after firstMs, then every everyMs, never two passes at once, and stop waits for the one in flight', async () => {
    let started = 0;
    let running = 0;
    let most = 0;
    let finished = 0;
    const pass = periodic(
      async () => {
        started += 1;
        running += 1;
        most = Math.max(most, running);
        await sleep(35); // longer than the interval: ticks meanwhile are skipped
        running -= 1;
        finished += 1;
      },
      { everyMs: 10, firstMs: 1, onError: () => undefined },
    );
    await sleep(100);
    await pass.stop();
    expect(started).toBeGreaterThanOrEqual(2);
    expect(most).toBe(1);
    expect(finished).toBe(started);
    const atStop = started;
    await sleep(30);
    expect(started).toBe(atStop); // no pass after stop
  });

  it('hands errors to onError and keeps ticking', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const pass = periodic(
      async () => {
        calls += 1;
        throw new Error(`boom ${calls}`);
      },
      { everyMs: 5, onError: (error) => errors.push(error) },
    );
    await sleep(40);
    await pass.stop();
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(errors.map((e) => (e as Error).message)).toEqual(Array.from({ length: calls }, (_, i) => `boom ${i + 1}`));
  });
});
