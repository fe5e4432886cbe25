import { describe, expect, it } from 'vitest';
import { historyBounds, kpiHistory } from '../../../src/app/kpi-history.ts';
import type { PointView } from '../../../src/app/read-model.ts';
import type { LoadedKpi } from '../../../src/config/catalog.ts';
import type { Datapoint, HealthTransition } from '../../../src/domain/types.ts';
import { historyChart } from '../../../src/server/dashboard/history-chart.ts';
import { duration, runsTable } from '../../../src/server/dashboard/runs-table.ts';
import type { SyncRun } from '../../../src/store/store.ts';

const point = (month: string, value: number, approximate = false): PointView => ({
  period: `2026-${month}-01T00:00:00.000Z`,
  label: `2026-${month}`,
  value,
  display: String(value),
  observedAt: '2026-11-23T12:00:00.000Z',
  source: 'x',
  ...(approximate ? { approximate } : {}),
});

describe('history chart', () => {
  const base = { interval: 'month' as const, timezone: 'UTC', label: 'l' };

  it('joins consecutive periods and breaks the line where one is missing', () => {
    const svg = historyChart({ ...base, points: [point('01', 1), point('02', 2), point('04', 4), point('05', 5)] }).value;
    expect(svg.match(/<polyline class="history-line"/g)).toHaveLength(2);
    expect(svg.match(/<circle class="point/g)).toHaveLength(4);
  });

  it('draws the whole band as zones, colours each point by its zone, and leaves approximate points hollow', () => {
    const band = { min: 10, warnMin: 20, warnMax: 30, max: 40 };
    const svg = historyChart({ ...base, band, points: [point('01', 25), point('02', 35, true), point('03', 45)] }).value;
    expect([...svg.matchAll(/data-zone="(\w+)" data-lo="([\d.]*)" data-hi="([\d.]*)"/g)].map((m) => m.slice(1))).toEqual([
      ['critical', '', '10'],
      ['warn', '10', '20'],
      ['ok', '20', '30'],
      ['warn', '30', '40'],
      ['critical', '40', ''],
    ]);
    expect([...svg.matchAll(/<circle class="([^"]+)"/g)].map((m) => m[1])).toEqual(['point point-ok', 'point point-warn point-approx', 'point point-critical']);
    // An edge belongs to the better side, as health counts it.
    expect(historyChart({ ...base, band, points: [point('01', 30)] }).value).toContain('class="point point-ok"');
  });

  it('says so when the range holds nothing, and escapes labels', () => {
    expect(historyChart({ ...base, points: [] }).value).toContain('No datapoints stored in this range.');
    expect(historyChart({ ...base, label: '<b>x</b>', points: [point('01', 1)] }).value).toContain('&lt;b&gt;x&lt;/b&gt;');
  });
});

describe('runs table', () => {
  const run = (over: Partial<SyncRun>): SyncRun => ({
    id: 'r1',
    kpi: 'k',
    source: 'c',
    mode: 'current',
    status: 'ok',
    startedAt: '2026-11-23T11:00:00.000Z',
    ...over,
  });

  it('shows rejected rows by line number or record id, the first three, and how many more', () => {
    const rejects = [
      { where: 12, reason: 'not a number' },
      { where: 'SHOP-7', reason: '<b>bad</b>' },
      { where: 14, reason: 'r' },
      { where: 15, reason: 'r' },
    ];
    const htmlText = runsTable([run({ rejected: 250, rejects })], '2026-11-23T12:00:00.000Z').value;
    expect(htmlText).toContain('<li data-where="12"><b>line 12</b>: not a number</li>');
    expect(htmlText).toContain('<li data-where="SHOP-7"><b>SHOP-7</b>: &lt;b&gt;bad&lt;/b&gt;</li>');
    expect(htmlText).not.toContain('line 15');
    expect(htmlText).toContain('… 247 more');
  });

  it('shows durations and API usage readably', () => {
    expect([duration(840), duration(3_240), duration(125_000), duration(undefined)]).toEqual(['840 ms', '3.2 s', '2 min 5 s', '—']);
    expect(runsTable([run({ apiUsage: { used: 9_500, limit: 10_000 } })], '2026-11-23T12:00:00.000Z').value).toContain('9,500 / 10,000 (95%)');
    expect(runsTable([], '2026-11-23T12:00:00.000Z').value).toContain('No sync has run yet.');
  });
});

describe('KPI history', () => {
  const kpi = { id: 'k', name: 'K', interval: 'quarter', timezone: 'Europe/Oslo', evaluation: { period: 'closed', reason: '' } } as unknown as LoadedKpi;
  const now = new Date('2026-11-23T12:00:00Z');

  it('defaults to the last periods by interval, the current one included', () => {
    expect(historyBounds(kpi, {}, now)).toEqual({ isDefault: true, bounds: { from: '2024-01-01T00:00:00.000+01:00', to: '2027-01-01T00:00:00.000+01:00' } });
    const days = historyBounds({ ...kpi, interval: 'day' }, {}, now);
    expect(days).toMatchObject({ bounds: { from: '2026-08-26T00:00:00.000+02:00', to: '2026-11-24T00:00:00.000+01:00' } });
    expect(historyBounds(kpi, { from: '2026-13-01' }, now)).toBe('from: not a date or ISO instant: "2026-13-01"');
  });

  it('keeps the transitions decided on a period of the span shown; with a limit, from the first point shown', async () => {
    const points: Datapoint[] = ['2025-10-01T00:00:00.000+02:00', '2026-01-01T00:00:00.000+01:00', '2026-04-01T00:00:00.000+02:00'].map((period, i) => ({
      kpi: 'k',
      period,
      value: i,
      observedAt: period,
      source: 's',
    }));
    const transitions: HealthTransition[] = [
      { kpi: 'k', from: 'no_data', to: 'ok', period: points[0]!.period, at: '2026-11-23T00:00:00.000Z' },
      { kpi: 'k', from: 'ok', to: 'warn', period: points[2]!.period, at: '2026-11-23T00:00:00.000Z' },
    ];
    const store = {
      listDatapoints: async (_kpi: string, q?: { limit?: number }) => (q?.limit ? points.slice(-q.limit) : points),
      listTransitions: async () => transitions,
    };
    const all = await kpiHistory(kpi, store, {}, now);
    expect(typeof all === 'object' && all.transitions.map((t) => t.to)).toEqual(['ok', 'warn']);
    const two = await kpiHistory(kpi, store, { limit: 2 }, now);
    expect(typeof two === 'object' && [two.truncated, two.datapoints.map((p) => p.label), two.transitions.map((t) => t.to)]).toEqual([
      true,
      ['2026-Q1', '2026-Q2'],
      ['warn'],
    ]);
  });
});
