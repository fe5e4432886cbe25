import { describe, expect, it } from 'vitest';
import { windowsToQuery } from '../../../src/sdk/index.ts';
import { createTestContext, windowAt } from '../../../src/sdk/testing/index.ts';

describe('windowsToQuery', () => {
  const year = { start: '2026-01-01T00:00:00.000+01:00', end: '2027-01-01T00:00:00.000+01:00', timeZone: 'Europe/Oslo', interval: 'month' as const };

  it("is the runner's window in a regular sync", () => {
    const ctx = createTestContext({ window: windowAt('2026-05-10T12:00:00Z', 'month', 'Europe/Oslo') });
    expect(windowsToQuery(ctx, 3)).toEqual([ctx.window]);
  });

  it("is the window's periods in a backfill, in the KPI's zone", () => {
    const ctx = createTestContext({ window: year, mode: 'backfill' });
    const windows = windowsToQuery(ctx, 12);
    expect(windows).toHaveLength(12);
    expect(windows[2]).toMatchObject({ start: '2026-03-01T00:00:00.000+01:00', end: '2026-04-01T00:00:00.000+02:00' });
  });

  it('refuses a backfill wider than the cap as a config error that says what to change', () => {
    const ctx = createTestContext({ window: year, mode: 'backfill' });
    expect(() => windowsToQuery(ctx, 6)).toThrow(
      expect.objectContaining({ code: 'KS_ERR_CONFIG', message: expect.stringContaining("raise the connection's maxBackfillPeriods (6)") }),
    );
    expect(() => windowsToQuery(ctx, 6, 'or use rows: true')).toThrow(/or use rows: true$/);
  });
});
