import { describe, expect, it } from 'vitest';
import { renderDashboard } from '../../../src/server/dashboard/dashboard.page.ts';
import { healthOf } from '../../../src/server/dashboard/kpi-card.ts';
import { ago, utcStamp } from '../../../src/server/dashboard/labels.ts';
import { progressBar } from '../../../src/server/dashboard/progress-bar.ts';
import { bandZones, sparkline } from '../../../src/server/dashboard/sparkline.ts';
import { periodBounds } from '../../../src/app/period-bounds.ts';

describe('sparkline', () => {
  it('draws one point per value, oldest left, with the latest as a dot in the health colour', () => {
    const svg = sparkline([1, 3, 2], { label: 'x', health: 'warn' }).value;
    expect(svg).toContain('data-points="3"');
    expect(svg).toMatch(/<polyline class="spark-line" points="5,51 120,5 235,28"\/>/);
    expect(svg).toContain('<circle class="spark-dot health-warn" cx="235" cy="28"');
  });

  it('shows a flat series mid-height, one value centred, and none as a placeholder', () => {
    expect(sparkline([4, 4], { label: 'x', health: 'ok' }).value).toContain('points="5,28 235,28"');
    expect(sparkline([4], { label: 'x', health: 'ok' }).value).toContain('cx="120" cy="28"');
    expect(sparkline([], { label: 'x', health: 'ok' }).value).toContain('No data yet');
  });

  it('tints only the band zones that cross the values', () => {
    const band = { min: 0, warnMin: 10, warnMax: 20, max: 30 };
    expect(bandZones(band).map((z) => [z.lo, z.hi, z.tone])).toEqual([
      [-Infinity, 0, 'critical'],
      [0, 10, 'warn'],
      [10, 20, 'ok'],
      [20, 30, 'warn'],
      [30, Infinity, 'critical'],
    ]);
    expect(bandZones({ max: 8, warnMax: 3 }).map((z) => z.tone)).toEqual(['ok', 'warn', 'critical']);
    const svg = sparkline([12, 18], { band, label: 'x', health: 'ok' }).value;
    expect(svg.match(/spark-zone zone-(\w+)/g)).toEqual(['spark-zone zone-ok']);
    expect(sparkline([5, 25], { band, label: 'x', health: 'ok' }).value.match(/zone-(\w+)/g)).toEqual(['zone-warn', 'zone-ok', 'zone-warn']);
  });
});

describe('KR progress bar', () => {
  it('fills to the progress, marks expected-by-today, and adds the 0.7 success line for aspirational KRs', () => {
    const committed = progressBar({ progress: 0.42, expected: 0.58, expectedAtDue: 1, kind: 'committed', label: 'l' }).value;
    expect(committed).toContain('<rect class="kr-fill" x="0" y="0" width="42" height="12"/>');
    expect(committed).toContain('data-expected="58"');
    expect(committed).not.toContain('kr-success');
    const aspirational = progressBar({ progress: 1.4, expected: 0.3, expectedAtDue: 0.7, kind: 'aspirational', label: 'l' }).value;
    expect(aspirational).toContain('width="100" height="12"/>');
    expect(aspirational).toContain('<line class="kr-success" x1="70" x2="70"');
  });
});

describe('labels', () => {
  it('says how long ago, and stamps times in UTC', () => {
    const now = '2026-11-23T12:00:00.000Z';
    expect(ago('2026-11-23T11:59:30.000Z', now)).toBe('just now');
    expect(ago('2026-11-23T11:55:00.000Z', now)).toBe('5 min ago');
    expect(ago('2026-11-23T07:00:00.000Z', now)).toBe('5 h ago');
    expect(ago('2026-11-20T12:00:00.000Z', now)).toBe('3 days ago');
    expect(utcStamp('2026-11-23T07:05:09.000Z')).toBe('2026-11-23 07:05 UTC');
  });

  it('tells a KPI without a band from one that has not been evaluated', () => {
    expect(healthOf({ health: null })).toBe('none');
    expect(healthOf({ health: null, band: { max: 1 } })).toBe('no_data');
    expect(healthOf({ health: { state: 'critical', since: '' }, band: { max: 1 } })).toBe('critical');
  });
});

describe('dashboard page', () => {
  it('renders an empty catalog with a hint instead of cards, and refreshes itself', () => {
    const page = renderDashboard({ now: '2026-11-23T12:00:00.000Z', categories: [], objectives: [], connections: 0, failing: [] }, () => undefined);
    expect(page).toContain('No KPIs are configured yet.');
    expect(page).toContain('No sync yet');
    expect(page).toContain('<meta http-equiv="refresh" content="60">');
    expect(page).not.toContain('<script');
  });
});

describe('read API period bounds', () => {
  const kpi = { timezone: 'Europe/Oslo' };
  it('includes the whole `to` day, and an instant up to and including itself', () => {
    expect(periodBounds(kpi, '2026-01-01', '2026-03-31')).toEqual({ from: '2026-01-01T00:00:00.000+01:00', to: '2026-04-01T00:00:00.000+02:00' });
    expect(periodBounds(kpi, undefined, '2026-03-31T10:00:00Z')).toEqual({ to: '2026-03-31T10:00:00.001Z' });
    expect(periodBounds(kpi, 'yesterday')).toBe('from: not a date or ISO instant: "yesterday"');
  });
});
