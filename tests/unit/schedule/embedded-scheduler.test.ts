import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Catalog, LoadedKpi } from '../../../src/config/catalog.ts';
import { EmbeddedScheduler } from '../../../src/schedule/embedded.scheduler.ts';

function kpi(id: string, extra: Partial<LoadedKpi> = {}): LoadedKpi {
  return { id, name: id, category: 'Test', interval: 'day', timezone: 'UTC', file: 'test.yaml', source: { connection: 'c', query: {} }, ...extra } as LoadedKpi;
}

/** Connection `c` reads alone; `files` serves every KPI of one file from one read (as the CSV connector does). */
function catalog(kpis: LoadedKpi[]): Catalog {
  const connections = new Map([
    ['c', { id: 'c', settings: {}, connector: {} }],
    ['files', { id: 'files', settings: {}, connector: { shareKey: (_settings: unknown, query: { file: string }) => query.file } }],
  ]);
  return { kpis: new Map(kpis.map((k) => [k.id, k])), connections } as unknown as Catalog;
}

function onFile(id: string, file: string, extra: Partial<LoadedKpi> = {}): LoadedKpi {
  return kpi(id, { source: { connection: 'files', query: { file } }, query: { file }, ...extra } as Partial<LoadedKpi>);
}

const schedulers: EmbeddedScheduler[] = [];
afterEach(async () => {
  for (const s of schedulers.splice(0)) await s.stop(1000, 100);
});

function scheduler(runKpi: (id: string, signal: AbortSignal) => Promise<void>, concurrency = 4): EmbeddedScheduler {
  const s = new EmbeddedScheduler({ logger: pino({ level: 'silent' }), concurrency, runKpi });
  schedulers.push(s);
  return s;
}

describe('EmbeddedScheduler', () => {
  it('reconciles cron tasks with the catalog: adds, changes, removes, leaves the rest', () => {
    const s = scheduler(async () => {});
    expect(s.apply(catalog([kpi('a'), kpi('b'), kpi('c')]))).toEqual({ added: ['a', 'b', 'c'], changed: [], removed: [] });
    const diff = s.apply(catalog([kpi('a'), kpi('b', { schedule: '0 * * * *' }), kpi('d')]));
    expect(diff).toEqual({ added: ['d'], changed: ['b'], removed: ['c'] });
    expect(
      s
        .nextRuns()
        .map((r) => r.kpi)
        .sort(),
    ).toEqual(['a', 'b', 'd']);
    // A time-zone change is a change too.
    expect(s.apply(catalog([kpi('a', { timezone: 'Europe/Oslo' }), kpi('b', { schedule: '0 * * * *' }), kpi('d')]))).toEqual({
      added: [],
      changed: ['a'],
      removed: [],
    });
  });

  it('does not schedule formula KPIs on the clock; runs them once, after all their inputs', async () => {
    const order: string[] = [];
    const s = scheduler(async (id) => {
      order.push(`start ${id}`);
      await new Promise((r) => setTimeout(r, id === 'ltv' ? 30 : 5));
      order.push(`end ${id}`);
    });
    const planned = s.apply(catalog([kpi('ltv'), kpi('cac'), kpi('ratio', { formula: 'ltv / cac', inputs: ['ltv', 'cac'], source: undefined })]));
    expect(planned.added).toEqual(['ltv', 'cac']);
    s.runAll();
    await s.idle();
    expect(order.filter((e) => e === 'start ratio')).toHaveLength(1);
    expect(order.indexOf('start ratio')).toBeGreaterThan(order.indexOf('end ltv'));
    expect(order.indexOf('start ratio')).toBeGreaterThan(order.indexOf('end cac'));
  });

  it('stop() waits for in-flight syncs and reports whether they finished in time', async () => {
    let finished = false;
    const s = scheduler(async () => {
      await new Promise((r) => setTimeout(r, 50));
      finished = true;
    });
    s.apply(catalog([kpi('slow')]));
    s.trigger('slow');
    expect(await s.stop(2000, 100)).toEqual({ finished: true, aborted: [] });
    expect(finished).toBe(true);
  });

  it('stop() aborts what is still running at the deadline, with a KS_ERR_ABORTED reason, and names it', async () => {
    let reason: unknown;
    const s = scheduler(
      (_kpi, signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            reason = signal.reason;
            resolve();
          });
        }),
    );
    s.apply(catalog([kpi('stuck')]));
    s.trigger('stuck');
    expect(await s.stop(20, 1000)).toEqual({ finished: false, aborted: ['stuck'] });
    expect(reason).toMatchObject({ code: 'KS_ERR_ABORTED', retryable: true });
  });

  it('starts the KPIs that share a read together, as one place of the concurrency', async () => {
    const gate = Promise.withResolvers<void>();
    const started: string[] = [];
    const s = scheduler(async (id) => {
      started.push(id);
      await gate.promise;
    }, 1);
    s.apply(catalog([onFile('a', 'sales.csv'), kpi('api'), onFile('b', 'sales.csv'), onFile('c', 'costs.csv')]));
    s.runAll();
    expect(started).toEqual(['a', 'b']);
    gate.resolve();
    await s.idle();
    expect(started).toEqual(['a', 'b', 'api', 'c']);
  });

  it('one cron tick asks for every KPI on its schedule at once, so the KPIs of one file start together', async () => {
    const gate = Promise.withResolvers<void>();
    const started: string[] = [];
    const s = scheduler(async (id) => {
      started.push(id);
      await gate.promise;
    }, 1);
    const everySecond = { schedule: '* * * * * *' };
    s.apply(catalog([onFile('a', 'sales.csv', everySecond), onFile('b', 'sales.csv', everySecond), onFile('c', 'sales.csv', everySecond)]));
    await vi.waitFor(() => expect(started.length).toBeGreaterThan(0), { timeout: 5_000 });
    // With concurrency 1, a KPI asked for on its own would run alone while the gate holds.
    expect(started).toEqual(['a', 'b', 'c']);
    gate.resolve();
  });
});
