import { describe, expect, it } from 'vitest';
import { instantMs, parseOffsetInstant } from '../../../src/domain/instant.ts';

describe('parseOffsetInstant', () => {
  it('agrees with Date.parse on every offset form', () => {
    const cases = [
      '2026-03-29T01:00:00Z',
      '2026-03-29T01:00:00.123Z',
      '2026-03-29T01:00:00.1Z',
      '2026-03-29T01:00:00.123456789Z',
      '2026-03-29T01:00Z',
      '2026-03-29T01:00:00+02:00',
      '2026-03-29T01:00:00-09:30',
      '2026-03-29T01:00:00.000+05:45',
      '2028-02-29T23:59:59.999-12:00',
      '1999-12-31T23:59:59+14:00',
    ];
    for (const text of cases) expect(parseOffsetInstant(text), text).toBe(Date.parse(text));
  });

  it('agrees with Date.parse on 20,000 random instants and offsets from year 0 to 9999', () => {
    let seed = 11;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const min = Date.parse('0000-01-02T00:00:00Z');
    const max = Date.parse('9999-12-30T00:00:00Z');
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.floor(min + random() * (max - min));
      const utc = new Date(ms).toISOString();
      expect(parseOffsetInstant(utc), utc).toBe(ms);
      const offset = Math.floor(random() * 48 - 24) * 30;
      const sign = offset < 0 ? '-' : '+';
      const abs = Math.abs(offset);
      const local = `${new Date(ms + offset * 60_000).toISOString().slice(0, 23)}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
      expect(parseOffsetInstant(local), local).toBe(ms);
    }
  });

  it('reads basic offsets (+0000, +05) and a space or lower-case separator', () => {
    expect(parseOffsetInstant('2026-01-01T10:00:00.000+0000')).toBe(Date.parse('2026-01-01T10:00:00.000Z'));
    expect(parseOffsetInstant('2026-01-01T10:00:00+0530')).toBe(Date.parse('2026-01-01T04:30:00Z'));
    expect(parseOffsetInstant('2026-01-01T10:00:00-05')).toBe(Date.parse('2026-01-01T15:00:00Z'));
    expect(parseOffsetInstant('2026-01-01 10:00:00Z')).toBe(Date.parse('2026-01-01T10:00:00Z'));
    expect(parseOffsetInstant('2026-01-01t10:00:00z')).toBe(Date.parse('2026-01-01T10:00:00Z'));
  });

  it('refuses impossible fields that Date.parse would roll over', () => {
    for (const text of [
      '2026-02-29T00:00:00Z',
      '2026-02-30T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-01-00T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T10:60:00Z',
      '2026-01-01T10:00:60Z',
      '2026-01-01T10:00:00+24:00',
      '2026-01-01T10:00:00+01:60',
      '2026-01-01T10:00:00.Z',
      '2026-01-01T10:00:00.1234567890Z',
      '2026-01-01T10:00:00+1',
      '2026-01-01T10:00:00+01:0',
      '2026-01-01T10:00:00Zjunk',
      '2026-01-01T10:00:00',
      '2026-01-01',
      '2026-1-01T10:00:00Z',
      '20260101T100000Z',
    ]) {
      expect(parseOffsetInstant(text), text).toBeUndefined();
    }
  });

  it('handles years below 100 without the 1900s shift', () => {
    expect(parseOffsetInstant('0050-06-01T00:00:00Z')).toBe(Date.parse('0050-06-01T00:00:00Z'));
    expect(parseOffsetInstant('0004-02-29T00:00:00Z')).toBe(Date.parse('0004-02-29T00:00:00Z'));
  });
});

describe('instantMs', () => {
  it('reads a wall time in the zone, and in UTC without consulting zone rules', () => {
    expect(instantMs('2026-07-01T12:00', 'Europe/Oslo')).toBe(Date.parse('2026-07-01T10:00:00Z'));
    expect(instantMs('2026-07-01', 'UTC')).toBe(Date.parse('2026-07-01T00:00:00Z'));
    expect(instantMs('2026-07-01T12:00:00,5', 'Etc/UTC')).toBe(Date.parse('2026-07-01T12:00:00.500Z'));
    expect(instantMs('2028-02-29', 'UTC')).toBe(Date.parse('2028-02-29T00:00:00Z'));
    expect(instantMs('2026-02-29', 'UTC')).toBeUndefined();
    expect(instantMs('2026-02-29', 'Europe/Oslo')).toBeUndefined();
  });
});
