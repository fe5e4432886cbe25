import { describe, expect, it } from 'vitest';
import { DateCell, dateParser, INSTANT, LOCAL, LOCAL_DATE } from '../../../connectors/csv/dates.ts';
import type { DateFormat } from '../../../connectors/csv/schema.ts';

function read(format: DateFormat, text: string): DateCell | undefined {
  const bytes = Buffer.from(`,${text},`, 'utf8');
  const cell = new DateCell();
  return dateParser(format)(bytes, 1, bytes.length - 1, cell) ? cell : undefined;
}

const utc = (text: string): number => Date.parse(`${text}Z`);

describe('date parsing', () => {
  it('reads ISO dates as local dates', () => {
    expect(read('iso', '2026-11-03')).toMatchObject({ kind: LOCAL_DATE, dateKey: 20261103, ms: utc('2026-11-03T00:00:00') });
    expect(read('iso', '2024-02-29')).toMatchObject({ kind: LOCAL_DATE, dateKey: 20240229 });
    // The same date again comes from the last-date memo and must read the same.
    expect(read('iso', '2024-02-29')).toMatchObject({ kind: LOCAL_DATE, dateKey: 20240229, ms: utc('2024-02-29T00:00:00') });
    expect(read('iso', ' 2026-01-02 ')).toMatchObject({ kind: LOCAL_DATE, dateKey: 20260102 });
  });

  it('reads ISO date-times without an offset as local wall times', () => {
    expect(read('iso', '2026-11-03T10:20')).toMatchObject({ kind: LOCAL, dateKey: 20261103, ms: utc('2026-11-03T10:20:00') });
    expect(read('iso', '2026-11-03 10:20:30')).toMatchObject({ kind: LOCAL, ms: utc('2026-11-03T10:20:30') });
    expect(read('iso', '2026-11-03T10:20:30.125')).toMatchObject({ kind: LOCAL, ms: utc('2026-11-03T10:20:30.125') });
    expect(read('iso', '2026-11-03T10:20:30,5')).toMatchObject({ kind: LOCAL, ms: utc('2026-11-03T10:20:30.500') });
  });

  it('reads ISO date-times with Z or an offset as instants', () => {
    expect(read('iso', '2026-11-03T10:00:00Z')).toMatchObject({ kind: INSTANT, ms: Date.parse('2026-11-03T10:00:00Z') });
    expect(read('iso', '2026-11-03T10:00:00+01:00')).toMatchObject({ kind: INSTANT, ms: Date.parse('2026-11-03T09:00:00Z') });
    expect(read('iso', '2026-11-03T10:00-0530')).toMatchObject({ kind: INSTANT, ms: Date.parse('2026-11-03T15:30:00Z') });
    expect(read('iso', '2026-11-03T10:00:00+02')).toMatchObject({ kind: INSTANT, ms: Date.parse('2026-11-03T08:00:00Z') });
  });

  it('rejects impossible or malformed ISO text', () => {
    for (const text of [
      '2026-02-30',
      '2025-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-1-05',
      '26-01-05',
      '2026/01/05',
      '2026-01-05T25:00',
      '2026-01-05T10:60',
      '2026-01-05X',
      '2026-01-05T10:00+',
      '2026-01-1:',
      '',
      'yesterday',
    ]) {
      expect(read('iso', text), text).toBeUndefined();
    }
  });

  it('does not let a plain date that failed reuse the previous good one', () => {
    expect(read('iso', '2026-01-20')).toBeDefined();
    // ':' is '9' + 1: an unchecked digit would make this 2026-01-20 again.
    expect(read('iso', '2026-01-1:')).toBeUndefined();
  });

  it('reads day-month-year and month-day-year with one or two digits', () => {
    expect(read('dd.MM.yyyy', '03.11.2026')).toMatchObject({ kind: LOCAL_DATE, dateKey: 20261103 });
    expect(read('dd.MM.yyyy', '3.1.2026')).toMatchObject({ dateKey: 20260103 });
    expect(read('dd/MM/yyyy', '31/12/2026')).toMatchObject({ dateKey: 20261231 });
    expect(read('MM/dd/yyyy', '12/31/2026')).toMatchObject({ dateKey: 20261231 });
    expect(read('MM/dd/yyyy', '2/3/2026 14:05')).toMatchObject({ kind: LOCAL, dateKey: 20260203, ms: utc('2026-02-03T14:05:00') });
    expect(read('dd.MM.yyyy', '03.11.2026 07:08:09')).toMatchObject({ ms: utc('2026-11-03T07:08:09') });
  });

  it('rejects day-month-year text in the wrong order or shape', () => {
    expect(read('MM/dd/yyyy', '31/12/2026')).toBeUndefined();
    expect(read('dd/MM/yyyy', '12/31/2026')).toBeUndefined();
    expect(read('dd.MM.yyyy', '2026-11-03')).toBeUndefined();
    expect(read('dd.MM.yyyy', '03.11.26')).toBeUndefined();
    expect(read('dd.MM.yyyy', '03.11.2026 7')).toBeUndefined();
    expect(read('dd.MM.yyyy', '123.11.2026')).toBeUndefined();
  });

  it('reads epoch seconds and milliseconds as instants', () => {
    expect(read('epoch_s', '1762164000')).toMatchObject({ kind: INSTANT, ms: 1_762_164_000_000 });
    expect(read('epoch_s', '1762164000.25')).toMatchObject({ ms: 1_762_164_000_250 });
    expect(read('epoch_ms', '1762164000123')).toMatchObject({ kind: INSTANT, ms: 1_762_164_000_123 });
    expect(read('epoch_ms', 'soon')).toBeUndefined();
    expect(read('epoch_s', '')).toBeUndefined();
  });
});
