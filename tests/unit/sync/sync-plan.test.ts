import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfigFolder } from '../../../src/app/app-config.ts';
import type { Catalog } from '../../../src/config/catalog.ts';
import type { Datapoint } from '../../../src/domain/types.ts';
import type { SyncRun, SyncState } from '../../../src/store/store.ts';
import { planSync } from '../../../src/sync/plan/sync-plan.ts';
import { tempDir } from '../../helpers/cli.ts';

const NOW = new Date('2026-12-06T10:00:00.000Z');
const NOV = '2026-11-01T00:00:00.000Z';
const DEC = '2026-12-01T00:00:00.000Z';

async function catalogOf(kpis: Record<string, unknown>[], extra: Record<string, unknown> = {}): Promise<Catalog> {
  const dir = tempDir('kpi-sync-plan-');
  writeFileSync(path.join(dir, 'data.csv'), 'date,amount\n');
  writeFileSync(path.join(dir, 'main.yaml'), stringify({ connections: [{ id: 'local', type: 'csv', path: './data.csv' }], kpis, ...extra }));
  return loadConfigFolder(dir);
}

const won = (evaluate?: 'closed' | 'current') => ({
  id: 'won',
  name: 'Won revenue',
  category: 'Growth',
  interval: 'month',
  ...(evaluate ? { evaluate } : {}),
  source: { connection: 'local', query: { date: { column: 'date' }, value: { column: 'amount', aggregate: 'sum' } } },
  health: { band: { min: 100, warnMin: 500 } },
});

const point = (kpi: string, period: string, value: number): Datapoint => ({ kpi, period, value, observedAt: NOW.toISOString(), source: 'local' });
const emptyState = (): SyncState => ({ recent: [], progress: new Map(), notified: new Map(), lastPushed: new Map() });
const run = (kpi: string): SyncRun => ({ id: 'r1', kpi, source: 'local', mode: 'current', status: 'ok', startedAt: NOW.toISOString() });

describe('planSync: which period is judged', () => {
  it('infers closed for a month KPI that sums its period, current for one that reads a level, and takes evaluate: over both', async () => {
    const catalog = await catalogOf([
      won(),
      { ...won('current'), id: 'won_mtd' },
      { ...won(), id: 'balance', source: { connection: 'local', query: { date: { column: 'date' }, value: { column: 'amount', aggregate: 'last' } } } },
      { ...won(), id: 'daily', interval: 'day' },
      { id: 'ratio', name: 'Ratio', category: 'Growth', interval: 'month', formula: 'won / balance' },
    ]);
    const of = (id: string) => catalog.kpis.get(id)!.evaluation.period;
    expect([of('won'), of('won_mtd'), of('balance'), of('daily'), of('ratio')]).toEqual(['closed', 'current', 'current', 'current', 'closed']);
    expect(catalog.kpis.get('won')!.evaluation.reason).toBe('its csv query aggregates what happened during the month');
  });

  it('judges health on the last closed month, not on a month to date of 0', async () => {
    const catalog = await catalogOf([won()]);
    const kpi = catalog.kpis.get('won')!;
    const plan = planSync({
      catalog,
      kpi,
      mode: 'current',
      datapoints: [point('won', NOV, 900), point('won', DEC, 0)],
      state: emptyState(),
      run: run('won'),
      now: NOW,
      windowStart: NOV,
      evaluatedPeriod: NOV,
    });
    expect(plan.health).toMatchObject({ state: 'ok', lastPeriod: NOV, lastValue: 900 });
    // Both periods are written, the closed one too: data that arrived after the month ended counts.
    expect(plan.commit.datapoints).toEqual({ points: [point('won', NOV, 900), point('won', DEC, 0)], options: { closedBefore: NOV } });
  });

  it('with evaluate: current, the same numbers judge the month to date', async () => {
    const catalog = await catalogOf([won('current')]);
    const kpi = catalog.kpis.get('won')!;
    const plan = planSync({
      catalog,
      kpi,
      mode: 'current',
      datapoints: [point('won', DEC, 0)],
      state: emptyState(),
      run: run('won'),
      now: NOW,
      windowStart: DEC,
      evaluatedPeriod: DEC,
    });
    expect(plan.health).toMatchObject({ state: 'critical', lastPeriod: DEC, lastValue: 0 });
  });

  it('turns a formula with a missing input into no_data, with its transition and alert', async () => {
    const catalog = await catalogOf([{ id: 'ratio', name: 'Ratio', category: 'Growth', interval: 'day', formula: '1 + 1', health: { band: { min: 1 } } }], {
      alerts: {
        destinations: [{ name: 'ops', kind: 'webhook', url: 'https://hooks.example.com/x', secret: `whsec_${Buffer.from('x'.repeat(32)).toString('base64')}` }],
        routes: [{ name: 'all', destinations: ['ops'], notify: ['warn', 'critical', 'no_data'] }],
      },
    });
    const kpi = catalog.kpis.get('ratio')!;
    const state: SyncState = { ...emptyState(), health: { state: 'ok', since: '2026-12-01T00:00:00.000Z', checkedAt: '2026-12-05T00:00:00.000Z' } };
    const today = '2026-12-06T00:00:00.000Z';
    const plan = planSync({ catalog, kpi, mode: 'current', datapoints: [], state, run: run('ratio'), now: NOW, windowStart: today, evaluatedPeriod: today });
    expect(plan.health).toMatchObject({ state: 'no_data', checkedAt: '2026-12-05T00:00:00.000Z' });
    expect(plan.transition).toMatchObject({ from: 'ok', to: 'no_data', period: today });
    expect(plan.alerts.map((a) => a.destination)).toEqual(['ops']);
  });
});
