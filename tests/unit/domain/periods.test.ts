import { describe, expect, it } from 'vitest';
import {
  currentWindow,
  defaultSchedule,
  defaultStaleAfterMs,
  parseDateInZone,
  parseDuration,
  periodEnd,
  periodStart,
  periodsBetween,
  previousPeriod,
} from '../../../src/domain/periods.ts';

const HOUR = 3_600_000;
const lengthOf = (start: string, end: string): number => (Date.parse(end) - Date.parse(start)) / HOUR;

describe('periodStart', () => {
  it('buckets by day, ISO week, month and quarter in the zone', () => {
    const at = '2026-05-14T15:20:00Z';
    expect(periodStart(at, 'day', 'Europe/Oslo')).toBe('2026-05-14T00:00:00.000+02:00');
    expect(periodStart(at, 'week', 'Europe/Oslo')).toBe('2026-05-11T00:00:00.000+02:00');
    expect(periodStart(at, 'month', 'Europe/Oslo')).toBe('2026-05-01T00:00:00.000+02:00');
    expect(periodStart(at, 'quarter', 'Europe/Oslo')).toBe('2026-04-01T00:00:00.000+02:00');
    expect(periodStart(at, 'day', 'UTC')).toBe('2026-05-14T00:00:00.000Z');
  });

  it('accepts a Date, epoch ms and ISO text for the same instant', () => {
    const ms = Date.parse('2026-03-30T10:00:00Z');
    const expected = '2026-03-30T00:00:00.000+02:00';
    expect(periodStart(new Date(ms), 'week', 'Europe/Oslo')).toBe(expected);
    expect(periodStart(ms, 'week', 'Europe/Oslo')).toBe(expected);
    expect(periodStart('2026-03-30T12:00:00+02:00', 'week', 'Europe/Oslo')).toBe(expected);
  });

  it('reads text without an offset as a wall time in the zone', () => {
    expect(periodStart('2026-03-31', 'day', 'America/New_York')).toBe('2026-03-31T00:00:00.000-04:00');
    expect(periodStart('2026-03-31T23:59:59', 'day', 'America/New_York')).toBe('2026-03-31T00:00:00.000-04:00');
  });

  it('uses the local date when it differs from the UTC date', () => {
    // 03:00 UTC on 2 March is still 1 March in New York, and 12:00 on 2 March in Tokyo.
    expect(periodStart('2026-03-02T03:00:00Z', 'day', 'America/New_York')).toBe('2026-03-01T00:00:00.000-05:00');
    expect(periodStart('2026-03-02T03:00:00Z', 'month', 'America/New_York')).toBe('2026-03-01T00:00:00.000-05:00');
    expect(periodStart('2026-03-31T23:30:00Z', 'month', 'Asia/Tokyo')).toBe('2026-04-01T00:00:00.000+09:00');
    expect(periodStart('2026-03-31T23:30:00Z', 'quarter', 'Asia/Tokyo')).toBe('2026-04-01T00:00:00.000+09:00');
    expect(periodStart('2026-03-31T23:30:00Z', 'quarter', 'UTC')).toBe('2026-01-01T00:00:00.000Z');
  });

  it('puts an instant exactly on a boundary in the period it starts', () => {
    expect(periodStart('2026-03-29T22:00:00Z', 'week', 'Europe/Oslo')).toBe('2026-03-30T00:00:00.000+02:00');
    expect(periodStart('2026-03-29T21:59:59.999Z', 'week', 'Europe/Oslo')).toBe('2026-03-23T00:00:00.000+01:00');
    expect(periodStart('2026-07-01T00:00:00.000Z', 'quarter', 'UTC')).toBe('2026-07-01T00:00:00.000Z');
    expect(periodStart('2026-06-30T23:59:59.999Z', 'quarter', 'UTC')).toBe('2026-04-01T00:00:00.000Z');
  });

  it('starts ISO week 1 in the previous year when 1 January is mid-week', () => {
    expect(periodStart('2026-01-01T12:00:00Z', 'week', 'Europe/Oslo')).toBe('2025-12-29T00:00:00.000+01:00');
    expect(periodStart('2027-01-03T12:00:00Z', 'week', 'UTC')).toBe('2026-12-28T00:00:00.000Z');
    // Sunday evening in New York is already Monday in UTC: the week follows the zone.
    expect(periodStart('2026-01-05T03:00:00Z', 'week', 'America/New_York')).toBe('2025-12-29T00:00:00.000-05:00');
  });

  it('handles zones with 45-minute and 30-minute offsets', () => {
    expect(periodStart('2026-06-10T18:14:59Z', 'day', 'Asia/Kathmandu')).toBe('2026-06-10T00:00:00.000+05:45');
    expect(periodStart('2026-06-10T18:15:00Z', 'day', 'Asia/Kathmandu')).toBe('2026-06-11T00:00:00.000+05:45');
    expect(periodStart('2026-01-15T12:00:00Z', 'month', 'Australia/Lord_Howe')).toBe('2026-01-01T00:00:00.000+11:00');
    expect(periodStart('2026-07-15T12:00:00Z', 'month', 'Australia/Lord_Howe')).toBe('2026-07-01T00:00:00.000+10:30');
  });

  it('starts the day at the first wall time when midnight is skipped by DST', () => {
    // Cuba springs forward at midnight: 2024-03-10 begins at 01:00.
    expect(periodStart('2024-03-10T12:00:00', 'day', 'America/Havana')).toBe('2024-03-10T01:00:00.000-04:00');
    expect(periodEnd('2024-03-09T00:00:00.000-05:00', 'day', 'America/Havana')).toBe('2024-03-10T01:00:00.000-04:00');
  });

  it('throws a RangeError for an unknown zone or an unreadable instant', () => {
    expect(() => periodStart('2026-01-01T00:00:00Z', 'day', 'Mars/Olympus')).toThrow(/unknown time zone "Mars\/Olympus"/);
    expect(() => periodStart('2026-01-01T00:00:00Z', 'day', 'system')).toThrow(RangeError);
    expect(() => periodStart('yesterday', 'day', 'UTC')).toThrow(/not a date or instant: "yesterday"/);
    expect(() => periodStart(new Date(Number.NaN), 'day', 'UTC')).toThrow(RangeError);
    expect(() => periodStart(Number.POSITIVE_INFINITY, 'day', 'UTC')).toThrow(RangeError);
    expect(() => periodStart('2026-01-01T00:00:00Z', 'year' as never, 'UTC')).toThrow(/unknown interval/);
  });
});

describe('DST days and weeks', () => {
  it('Europe/Oslo spring-forward day is 23 hours and fall-back day 25 hours', () => {
    const spring = currentWindow('2026-03-29T12:00:00Z', 'day', 'Europe/Oslo');
    expect(spring).toEqual({ start: '2026-03-29T00:00:00.000+01:00', end: '2026-03-30T00:00:00.000+02:00' });
    expect(lengthOf(spring.start, spring.end)).toBe(23);
    const fall = currentWindow('2026-10-25T12:00:00Z', 'day', 'Europe/Oslo');
    expect(fall).toEqual({ start: '2026-10-25T00:00:00.000+02:00', end: '2026-10-26T00:00:00.000+01:00' });
    expect(lengthOf(fall.start, fall.end)).toBe(25);
  });

  it('America/New_York changes on its own dates', () => {
    const spring = currentWindow('2026-03-08T12:00:00Z', 'day', 'America/New_York');
    expect(spring.start).toBe('2026-03-08T00:00:00.000-05:00');
    expect(lengthOf(spring.start, spring.end)).toBe(23);
    const fall = currentWindow('2026-11-01T12:00:00Z', 'day', 'America/New_York');
    expect(fall.end).toBe('2026-11-02T00:00:00.000-05:00');
    expect(lengthOf(fall.start, fall.end)).toBe(25);
  });

  it('Australia/Lord_Howe shifts by half an hour', () => {
    const end = currentWindow('2026-04-05T06:00:00Z', 'day', 'Australia/Lord_Howe');
    expect(end).toEqual({ start: '2026-04-05T00:00:00.000+11:00', end: '2026-04-06T00:00:00.000+10:30' });
    expect(lengthOf(end.start, end.end)).toBe(24.5);
    const start = currentWindow('2026-10-04T06:00:00Z', 'day', 'Australia/Lord_Howe');
    expect(lengthOf(start.start, start.end)).toBe(23.5);
  });

  it('a week crossing a DST change is 167 hours long', () => {
    const week = currentWindow('2026-03-26T12:00:00Z', 'week', 'Europe/Oslo');
    expect(week).toEqual({ start: '2026-03-23T00:00:00.000+01:00', end: '2026-03-30T00:00:00.000+02:00' });
    expect(lengthOf(week.start, week.end)).toBe(167);
    expect(periodsBetween('2026-03-20T00:00:00+01:00', '2026-04-01T00:00:00+02:00', 'week', 'Europe/Oslo')).toEqual([
      '2026-03-16T00:00:00.000+01:00',
      '2026-03-23T00:00:00.000+01:00',
      '2026-03-30T00:00:00.000+02:00',
    ]);
  });

  it("a wall time in the repeated fall-back hour resolves to luxon's choice, the standard-time one", () => {
    expect(parseDateInZone('2026-10-25T02:30:00', 'Europe/Oslo')).toBe('2026-10-25T02:30:00.000+01:00');
    expect(parseDateInZone('2026-11-01T01:30:00', 'America/New_York')).toBe('2026-11-01T01:30:00.000-05:00');
  });

  it('a wall time in the spring-forward gap moves past it', () => {
    expect(parseDateInZone('2026-03-29T02:30:00', 'Europe/Oslo')).toBe('2026-03-29T03:30:00.000+02:00');
    expect(periodStart('2026-03-29T02:30:00', 'day', 'Europe/Oslo')).toBe('2026-03-29T00:00:00.000+01:00');
  });
});

describe('periodEnd, previousPeriod and quarters', () => {
  it('ends each period where the next starts', () => {
    expect(periodEnd('2026-12-28T00:00:00.000+01:00', 'week', 'Europe/Oslo')).toBe('2027-01-04T00:00:00.000+01:00');
    expect(periodEnd('2026-01-01T00:00:00.000+01:00', 'month', 'Europe/Oslo')).toBe('2026-02-01T00:00:00.000+01:00');
    expect(periodEnd('2026-02-01T00:00:00.000Z', 'month', 'UTC')).toBe('2026-03-01T00:00:00.000Z');
    expect(periodEnd('2028-02-01T00:00:00.000Z', 'month', 'UTC')).toBe('2028-03-01T00:00:00.000Z');
    expect(periodEnd('2026-10-01T00:00:00.000+02:00', 'quarter', 'Europe/Oslo')).toBe('2027-01-01T00:00:00.000+01:00');
  });

  it('snaps an instant inside a period to that period first', () => {
    expect(periodEnd('2026-05-14T13:00:00Z', 'quarter', 'UTC')).toBe('2026-07-01T00:00:00.000Z');
    expect(previousPeriod('2026-05-14T13:00:00Z', 'quarter', 'UTC')).toBe('2026-01-01T00:00:00.000Z');
  });

  it('steps back over year, DST and offset changes', () => {
    expect(previousPeriod('2026-01-01T00:00:00.000Z', 'quarter', 'UTC')).toBe('2025-10-01T00:00:00.000Z');
    expect(previousPeriod('2026-03-30T00:00:00.000+02:00', 'day', 'Europe/Oslo')).toBe('2026-03-29T00:00:00.000+01:00');
    expect(previousPeriod('2026-01-05T00:00:00.000+01:00', 'week', 'Europe/Oslo')).toBe('2025-12-29T00:00:00.000+01:00');
    expect(previousPeriod('2026-03-01T00:00:00.000Z', 'month', 'UTC')).toBe('2026-02-01T00:00:00.000Z');
  });

  it('has four quarters a year starting January, April, July, October', () => {
    expect(periodsBetween('2026-01-01', '2027-01-01', 'quarter', 'America/New_York')).toEqual([
      '2026-01-01T00:00:00.000-05:00',
      '2026-04-01T00:00:00.000-04:00',
      '2026-07-01T00:00:00.000-04:00',
      '2026-10-01T00:00:00.000-04:00',
    ]);
  });
});

describe('periodsBetween', () => {
  it('lists every period that intersects [from, to)', () => {
    expect(periodsBetween('2026-01-30T12:00:00Z', '2026-02-02T00:00:00Z', 'day', 'UTC')).toEqual([
      '2026-01-30T00:00:00.000Z',
      '2026-01-31T00:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
    ]);
    expect(periodsBetween('2026-01-30T12:00:00Z', '2026-02-02T00:00:00.001Z', 'day', 'UTC')).toHaveLength(4);
  });

  it('is empty when to is not after from, and one period when both are in it', () => {
    expect(periodsBetween('2026-02-02T00:00:00Z', '2026-02-02T00:00:00Z', 'day', 'UTC')).toEqual([]);
    expect(periodsBetween('2026-02-03T00:00:00Z', '2026-02-02T00:00:00Z', 'day', 'UTC')).toEqual([]);
    expect(periodsBetween('2026-02-02T01:00:00Z', '2026-02-02T02:00:00Z', 'month', 'UTC')).toEqual(['2026-02-01T00:00:00.000Z']);
  });

  it('covers a year of days in a DST zone with 365 contiguous periods', () => {
    const days = periodsBetween('2026-01-01', '2027-01-01', 'day', 'Europe/Oslo');
    expect(days).toHaveLength(365);
    for (let i = 1; i < days.length; i++) expect(periodEnd(days[i - 1]!, 'day', 'Europe/Oslo')).toBe(days[i]);
    expect(days.filter((d) => d.endsWith('+02:00'))).toHaveLength(210);
  });

  it('stays correct past the period cache limit, and refuses absurd ranges', () => {
    const days = periodsBetween('1900-01-01', '2040-01-01', 'day', 'UTC');
    expect(days).toHaveLength(51_134);
    expect(days[0]).toBe('1900-01-01T00:00:00.000Z');
    expect(days.at(-1)).toBe('2039-12-31T00:00:00.000Z');
    expect(days[50_000]).toBe(new Date(Date.UTC(1900, 0, 1) + 50_000 * 86_400_000).toISOString());
    expect(() => periodsBetween('1800-01-01', '2300-01-01', 'day', 'UTC')).toThrow(/more than 100000 day periods/);
  });

  it('skips a calendar day a zone removed (Samoa, December 2011)', () => {
    expect(periodsBetween('2011-12-29', '2012-01-01', 'day', 'Pacific/Apia')).toEqual(['2011-12-29T00:00:00.000-10:00', '2011-12-31T00:00:00.000+14:00']);
  });
});

describe('currentWindow', () => {
  it('is the period containing now, as [start, end)', () => {
    expect(currentWindow(new Date('2026-02-14T09:00:00Z'), 'month', 'UTC')).toEqual({ start: '2026-02-01T00:00:00.000Z', end: '2026-03-01T00:00:00.000Z' });
  });
});

describe('parseDateInZone', () => {
  it('reads dates and date-times without an offset as wall times in the zone', () => {
    expect(parseDateInZone('2026-11-03', 'Europe/Oslo')).toBe('2026-11-03T00:00:00.000+01:00');
    expect(parseDateInZone('2026-11-03T10:00:00', 'Europe/Oslo')).toBe('2026-11-03T10:00:00.000+01:00');
    expect(parseDateInZone('2026-11-03 10:00', 'Europe/Oslo')).toBe('2026-11-03T10:00:00.000+01:00');
    expect(parseDateInZone('2026-07-03T10:00:00.25', 'Europe/Oslo')).toBe('2026-07-03T10:00:00.250+02:00');
    expect(parseDateInZone('2026-11-03T10:00:00', 'UTC')).toBe('2026-11-03T10:00:00.000Z');
  });

  it('keeps the instant of text with an offset and shows it in the zone', () => {
    expect(parseDateInZone('2026-11-03T10:00:00Z', 'Europe/Oslo')).toBe('2026-11-03T11:00:00.000+01:00');
    expect(parseDateInZone('2026-11-03T10:00:00-05:00', 'Europe/Oslo')).toBe('2026-11-03T16:00:00.000+01:00');
    expect(parseDateInZone('2026-11-03T10:00:00.000+0000', 'Asia/Kathmandu')).toBe('2026-11-03T15:45:00.000+05:45');
    expect(parseDateInZone('2026-11-03T10:00:00+05', 'UTC')).toBe('2026-11-03T05:00:00.000Z');
  });

  it('returns undefined for text that is not such a date', () => {
    for (const text of [
      '',
      'tomorrow',
      '2026-02-30',
      '2026-13-01',
      '2026-11-03T25:00:00',
      '2026-11-03T10:00:00+24:00',
      '03/11/2026',
      '2026-W01',
      '10:00',
      '2026-11-03Z',
      '2026-11-03T10:00:00 Z',
    ]) {
      expect(parseDateInZone(text, 'Europe/Oslo'), text).toBeUndefined();
    }
  });

  it('throws for an unknown zone rather than guess one', () => {
    expect(() => parseDateInZone('2026-11-03', 'Europe/Osloo')).toThrow(RangeError);
  });
});

describe('schedules, durations and staleness', () => {
  it('gives each interval a cron expression', () => {
    expect(defaultSchedule('day')).toBe('*/15 * * * *');
    expect(defaultSchedule('week')).toBe('0 * * * *');
    expect(defaultSchedule('month')).toBe('0 */6 * * *');
    expect(defaultSchedule('quarter')).toBe('0 */6 * * *');
  });

  it('parses durations in minutes, hours, days and weeks', () => {
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('36h')).toBe(36 * 3_600_000);
    expect(parseDuration('2d')).toBe(2 * 86_400_000);
    expect(parseDuration('1w')).toBe(7 * 86_400_000);
    for (const bad of ['', '2', 'd', '1.5h', '-1d', '2 d', '2D', '1y']) expect(() => parseDuration(bad), bad).toThrow(RangeError);
  });

  it('waits two intervals before a KPI is stale', () => {
    expect(defaultStaleAfterMs('day')).toBe(parseDuration('2d'));
    expect(defaultStaleAfterMs('week')).toBe(parseDuration('2w'));
    expect(defaultStaleAfterMs('month')).toBe(parseDuration('62d'));
    expect(defaultStaleAfterMs('quarter')).toBe(parseDuration('184d'));
  });
});
