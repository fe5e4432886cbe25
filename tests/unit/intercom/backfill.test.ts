import { describe, expect, it } from 'vitest';
import intercom from '../../../connectors/intercom/index.ts';
import { windowsToQuery } from '../../../connectors/intercom/periods.ts';
import { periodStart } from '../../../src/domain/periods.ts';
import { ConfigError } from '../../../src/sdk/errors.ts';
import type { Interval, SyncWindow } from '../../../src/sdk/index.ts';
import { intercomConnection, makeContext } from '../../helpers/intercom-context.ts';
import { fixture, mockSearch } from './intercom-mocks.ts';

function planFor(window: SyncWindow, mode: 'current' | 'backfill' = 'backfill', max = 1000) {
  const periodOf = (instant: string | Date) => periodStart(instant, window.interval, window.timeZone);
  return windowsToQuery({ window, mode, periodOf }, max);
}

function win(start: string, end: string, interval: Interval, timeZone = 'Europe/Paris'): SyncWindow {
  return { start, end, interval, timeZone };
}

describe('windowsToQuery: one query window per KPI period', () => {
  it('current mode keeps the runner window as it is', () => {
    const w = win('2026-11-01T00:00:00.000+01:00', '2026-12-01T00:00:00.000+01:00', 'month');
    expect(planFor(w, 'current')).toEqual([{ start: w.start, end: w.end, timeZone: 'Europe/Paris' }]);
  });

  it('backfill splits months across the October DST change', () => {
    const w = win('2026-09-01T00:00:00.000+02:00', '2026-12-01T00:00:00.000+01:00', 'month');
    expect(planFor(w)).toEqual([
      { start: '2026-09-01T00:00:00.000+02:00', end: '2026-10-01T00:00:00.000+02:00', timeZone: 'Europe/Paris' },
      { start: '2026-10-01T00:00:00.000+02:00', end: '2026-11-01T00:00:00.000+01:00', timeZone: 'Europe/Paris' },
      { start: '2026-11-01T00:00:00.000+01:00', end: '2026-12-01T00:00:00.000+01:00', timeZone: 'Europe/Paris' },
    ]);
  });

  it('backfill splits days over a 25-hour day without skipping or repeating one', () => {
    const w = win('2026-10-24T00:00:00.000+02:00', '2026-10-27T00:00:00.000+01:00', 'day');
    expect(planFor(w).map((p) => p.start)).toEqual([
      '2026-10-24T00:00:00.000+02:00',
      '2026-10-25T00:00:00.000+02:00',
      '2026-10-26T00:00:00.000+01:00',
    ]);
  });

  it('backfill splits ISO weeks and quarters', () => {
    expect(planFor(win('2026-11-02T00:00:00.000Z', '2026-11-16T00:00:00.000Z', 'week', 'UTC')).map((p) => p.start)).toEqual([
      '2026-11-02T00:00:00.000Z',
      '2026-11-09T00:00:00.000Z',
    ]);
    expect(planFor(win('2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', 'quarter', 'UTC')).map((p) => p.start)).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-04-01T00:00:00.000Z',
      '2026-07-01T00:00:00.000Z',
      '2026-10-01T00:00:00.000Z',
    ]);
  });

  it('refuses a backfill wider than the limit, saying what to change', () => {
    const w = win('1970-01-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', 'day', 'UTC');
    expect(() => planFor(w, 'backfill', 400)).toThrow(ConfigError);
    expect(() => planFor(w, 'backfill', 400)).toThrow(/more than 400 day periods.*--from.*maxBackfillPeriods/);
  });
});

describe('intercom fetch in backfill mode', () => {
  it('queries each period once and returns one value per period start', async () => {
    const totals = [310, 295, 12345];
    const seen = mockSearch(
      'conversations',
      totals.map((total) => ({ body: { ...fixture('conversations-count.json'), total_count: total } })),
    );
    const window = win('2026-09-01T00:00:00.000+02:00', '2026-12-01T00:00:00.000+01:00', 'month');
    const { ctx, connection } = makeContext({ window, mode: 'backfill' });
    const query = intercom.querySchema.parse({
      object: 'conversations',
      query: {
        operator: 'AND',
        value: [
          { field: 'created_at', operator: '>', value: '{{window.start_unix}}' },
          { field: 'created_at', operator: '<', value: '{{window.last_unix}}' },
        ],
      },
    });

    const values = await intercom.fetch(connection, query, ctx);

    expect(values).toEqual([
      { value: 310, at: '2026-09-01T00:00:00.000+02:00' },
      { value: 295, at: '2026-10-01T00:00:00.000+02:00' },
      { value: 12345, at: '2026-11-01T00:00:00.000+01:00' },
    ]);
    expect(seen).toHaveLength(3);
    const firstBounds = (seen[1]!.body.query as { value: Array<{ value: number }> }).value.map((f) => f.value);
    expect(firstBounds).toEqual([Date.parse('2026-10-01T00:00:00+02:00') / 1000, Date.parse('2026-11-01T00:00:00+01:00') / 1000 - 1]);
  });

  it('stops before sending anything when the backfill is too wide', async () => {
    const window = win('2020-01-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', 'day', 'UTC');
    const { ctx } = makeContext({ window, mode: 'backfill' });
    const connection = intercomConnection({ maxBackfillPeriods: 30 });
    const query = intercom.querySchema.parse({ object: 'tickets', query: { field: 'open', operator: '=', value: true } });
    await expect(intercom.fetch(connection, query, ctx)).rejects.toThrow(ConfigError);
  });
});
