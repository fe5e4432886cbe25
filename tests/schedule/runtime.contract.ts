import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { App } from '../../src/app/app.ts';
import type { Runtime, RuntimeEvents } from '../../src/schedule/runtime.ts';
import type { SyncResult } from '../../src/sync/run-sync.ts';
import { tempDir } from '../helpers/cli.ts';
import { Gates } from './gate.connector.ts';

/** What a runtime implementation provides to the suite. */
export interface RuntimeFixture {
  /** The app over `dir` (its KPIs read the gate connector) and a runtime on it reporting to `events`. */
  open(dir: string, gates: Gates, events: RuntimeEvents): Promise<{ app: App; runtime: Runtime }>;
  /** Closes what `open` made (after the test stopped the runtime). */
  cleanup(): Promise<void>;
}

interface Kpi {
  id: string;
  value?: number;
  schedule?: string;
  formula?: string;
}

/** A config folder over the gate connector. */
export function gateConfig(kpis: Kpi[], settings: Record<string, unknown> = {}, dir = tempDir('kpi-sync-runtime-')): string {
  const config = {
    settings: { runOnStart: false, shutdownTimeout: 2_000, concurrency: 4, server: { enabled: false }, ...settings },
    connections: [{ id: 'g', type: 'gate' }],
    kpis: kpis.map((k) => ({
      id: k.id,
      name: k.id,
      category: 'Test',
      interval: 'day',
      timezone: 'UTC',
      ...(k.schedule ? { schedule: k.schedule } : {}),
      ...(k.formula ? { formula: k.formula } : { source: { connection: 'g', query: { value: k.value ?? 1 } } }),
    })),
  };
  writeFileSync(path.join(dir, 'kpis.yaml'), stringify(config));
  return dir;
}

/** Every second: both node-cron and BullMQ (cron-parser) read six-field crons. */
const EVERY_SECOND = '* * * * * *';
/** Never during a test (1 January, midnight). */
const NEVER = '0 0 0 1 1 *';

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The behaviour every Runtime (node-cron in process, BullMQ on Redis) must have. It
 * waits for what must happen, never sleeps to prove something did not: "never twice
 * at once" is counted by the connector while the runtime reports a KPI coming due
 * again, and the crons tick every second.
 */
export function defineRuntimeContract(name: string, factory: () => Promise<RuntimeFixture>): void {
  describe(`Runtime contract: ${name}`, () => {
    let fixture: RuntimeFixture;
    let gates: Gates;
    let synced: SyncResult[];
    let busy: string[];
    let running: Runtime | undefined;
    const events: RuntimeEvents = { synced: (r) => synced.push(r), busy: (kpi) => busy.push(kpi) };
    const count = (kpi: string) => synced.filter((r) => r.run.kpi === kpi).length;

    beforeEach(async () => {
      fixture = await factory();
      gates = new Gates();
      synced = [];
      busy = [];
      running = undefined;
    });
    afterEach(async () => {
      for (const kpi of gates.active.keys()) gates.release(kpi);
      await running?.stop(1_000);
      await fixture.cleanup();
    });

    async function startOn(kpis: Kpi[], settings: Record<string, unknown> = {}): Promise<{ app: App; runtime: Runtime; dir: string }> {
      const dir = gateConfig(kpis, settings);
      const { app, runtime } = await fixture.open(dir, gates, events);
      running = runtime;
      await runtime.start(app.catalog);
      return { app, runtime, dir };
    }

    it('ticks each KPI on its own cron, and nothing before start', async () => {
      const dir = gateConfig([
        { id: 'a', schedule: EVERY_SECOND },
        { id: 'b', schedule: EVERY_SECOND },
        { id: 'quiet', schedule: NEVER },
      ]);
      const { app, runtime } = await fixture.open(dir, gates, events);
      running = runtime;
      expect(synced).toEqual([]);
      await runtime.start(app.catalog);
      await until(() => count('a') >= 2 && count('b') >= 2, 'two ticks of a and of b');
      expect(count('quiet')).toBe(0);
      expect(synced.every((r) => r.run.status === 'ok')).toBe(true);
    });

    it('never runs two syncs of one KPI at once', async () => {
      gates.hold('slow');
      await startOn([{ id: 'slow', schedule: EVERY_SECOND }], { runOnStart: true });
      await until(() => busy.filter((k) => k === 'slow').length >= 2, 'slow to come due twice while its sync runs');
      expect(gates.maxActive.get('slow')).toBe(1);
      gates.release('slow');
      await until(() => count('slow') >= 1, 'the held sync to finish');
      expect(gates.maxActive.get('slow')).toBe(1);
    });

    it('runs a formula after its inputs, on their new values', async () => {
      const { app } = await startOn(
        [
          { id: 'a', value: 2, schedule: NEVER },
          { id: 'b', value: 3, schedule: NEVER },
          { id: 'total', formula: 'a + b' },
        ],
        { runOnStart: true },
      );
      await until(() => count('total') >= 1, 'the formula to run');
      const total = synced.find((r) => r.run.kpi === 'total')!;
      for (const input of ['a', 'b']) {
        const run = synced.find((r) => r.run.kpi === input)!.run;
        expect(Date.parse(total.run.startedAt)).toBeGreaterThanOrEqual(Date.parse(run.finishedAt!));
      }
      expect((await app.store.latestDatapoint('total'))?.value).toBe(5);
    });

    it('keeps the running schedules when a reload brings a bad cron', async () => {
      const { app, runtime, dir } = await startOn([{ id: 'a', schedule: EVERY_SECOND }]);
      await until(() => count('a') >= 1, 'a first tick');
      gateConfig(
        [
          { id: 'a', schedule: '61 * * * *' },
          { id: 'b', schedule: EVERY_SECOND },
        ],
        {},
        dir,
      );
      await expect(app.reload()).resolves.toBeDefined();
      await expect(runtime.reload(app.catalog)).rejects.toThrow(/61 \* \* \* \*/);
      const before = count('a');
      await until(() => count('a') >= before + 2, 'a to keep ticking on its old cron');
      expect(count('b')).toBe(0);
    });

    it('stops within its deadline: what is still running is aborted and recorded as aborted', async () => {
      gates.hold('stuck');
      const { app, runtime } = await startOn([{ id: 'stuck', schedule: NEVER }], { runOnStart: true });
      await until(() => (gates.active.get('stuck') ?? 0) === 1, 'the stuck sync to start');
      const outcome = await runtime.stop(200);
      running = undefined;
      expect(outcome).toEqual({ finished: false, aborted: ['stuck'] });
      const [run] = await app.store.listRuns({ kpi: 'stuck', limit: 1 });
      expect(run).toMatchObject({ status: 'aborted', error: { code: 'KS_ERR_ABORTED' } });
      expect(gates.active.get('stuck')).toBe(0);
    });
  });
}
