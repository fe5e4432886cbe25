import nock from 'nock';
import { describe, expect, it } from 'vitest';
import intercom from '../../../connectors/intercom/index.ts';
import { ConfigError } from '../../../src/sdk/errors.ts';
import type { Interval, SyncWindow } from '../../../src/sdk/index.ts';
import { intercomConnection, makeContext } from '../../helpers/intercom-context.ts';
import { fixture, mockSearch } from './intercom-mocks.ts';

function win(start: string, end: string, interval: Interval, timeZone = 'Europe/Paris'): SyncWindow {
  return { start, end, interval, timeZone };
}

const inWindow = intercom.querySchema.parse({
  object: 'conversations',
  query: {
    operator: 'AND',
    value: [
      { field: 'created_at', operator: '>', value: '{{window.start_unix}}' },
      { field: 'created_at', operator: '<', value: '{{window.last_unix}}' },
    ],
  },
});

const unix = (iso: string) => Date.parse(iso) / 1000;

/** The [start_unix, last_unix] each search was sent with. */
function boundsOf(seen: Array<{ body: Record<string, unknown> }>): number[][] {
  return seen.map((request) => (request.body.query as { value: Array<{ value: number }> }).value.map((f) => f.value));
}

describe('intercom fetch: one query per KPI period', () => {
  it('queries the runner window as it is in current mode', async () => {
    const seen = mockSearch('conversations', [{ body: fixture('conversations-count.json') }]);
    const window = win('2026-11-01T00:00:00.000+01:00', '2026-12-01T00:00:00.000+01:00', 'month');
    const { ctx, connection } = makeContext({ window });
    const values = await intercom.fetch(connection, inWindow, ctx);
    expect(values.map((v) => v.at)).toEqual([window.start]);
    expect(boundsOf(seen)).toEqual([[unix(window.start), unix(window.end) - 1]]);
  });

  it('queries each period of a backfill window once and returns one value per period start', async () => {
    const totals = [310, 295, 12345];
    const seen = mockSearch(
      'conversations',
      totals.map((total) => ({ body: { ...fixture('conversations-count.json'), total_count: total } })),
    );
    const window = win('2026-09-01T00:00:00.000+02:00', '2026-12-01T00:00:00.000+01:00', 'month');
    const { ctx, connection } = makeContext({ window, mode: 'backfill' });

    const values = await intercom.fetch(connection, inWindow, ctx);

    expect(values).toEqual([
      { value: 310, at: '2026-09-01T00:00:00.000+02:00' },
      { value: 295, at: '2026-10-01T00:00:00.000+02:00' },
      { value: 12345, at: '2026-11-01T00:00:00.000+01:00' },
    ]);
    expect(seen).toHaveLength(3);
    expect(boundsOf(seen)[1]).toEqual([unix('2026-10-01T00:00:00+02:00'), unix('2026-11-01T00:00:00+01:00') - 1]);
  });

  it('queries a 25-hour day as one period, without skipping or repeating a day', async () => {
    const seen = mockSearch(
      'conversations',
      [1, 2, 3].map(() => ({ body: fixture('conversations-count.json') })),
    );
    const window = win('2026-10-24T00:00:00.000+02:00', '2026-10-27T00:00:00.000+01:00', 'day');
    const { ctx, connection } = makeContext({ window, mode: 'backfill' });
    const values = await intercom.fetch(connection, inWindow, ctx);
    expect(values.map((v) => v.at)).toEqual(['2026-10-24T00:00:00.000+02:00', '2026-10-25T00:00:00.000+02:00', '2026-10-26T00:00:00.000+01:00']);
    expect(boundsOf(seen)[1]).toEqual([unix('2026-10-25T00:00:00+02:00'), unix('2026-10-26T00:00:00+01:00') - 1]);
  });

  it('refuses a backfill wider than maxBackfillPeriods before sending anything, saying what to change', async () => {
    const window = win('2020-01-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', 'day', 'UTC');
    const { ctx } = makeContext({ window, mode: 'backfill' });
    const connection = intercomConnection({ maxBackfillPeriods: 30 });
    const query = intercom.querySchema.parse({ object: 'tickets', query: { field: 'open', operator: '=', value: true } });
    const error = await intercom.fetch(connection, query, ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/more than 30.*--from.*maxBackfillPeriods/);
    expect(nock.pendingMocks()).toEqual([]);
  });
});
