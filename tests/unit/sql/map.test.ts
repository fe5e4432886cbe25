import { describe, expect, it } from 'vitest';
import { readInstant, rowValues, scalarValue, type SqlResult } from '../../../connectors/sql/map.ts';

const NOVEMBER_PARIS = { start: '2026-11-01T00:00:00.000+01:00', end: '2026-12-01T00:00:00.000+01:00', timeZone: 'Europe/Paris', interval: 'month' } as const;
const one = (cell: unknown, type = 'numeric'): SqlResult => ({ columns: [{ name: 'total', type }], rows: [[cell]] });

describe('scalarValue: one row, one numeric column', () => {
  it('reads numbers and numeric text (int8, numeric arrive as text) without loss', () => {
    expect(scalarValue(one('42', 'int8'), 'zero')).toEqual({ value: 42, approximate: false });
    expect(scalarValue(one('115.25'), 'zero')).toEqual({ value: 115.25, approximate: false });
    expect(scalarValue(one(1.5, 'DOUBLE'), 'zero')).toEqual({ value: 1.5, approximate: false });
    expect(scalarValue(one('-1.5e3'), 'zero')).toEqual({ value: -1500, approximate: false });
  });

  it('marks an integer beyond 2^53 approximate: a double cannot hold it exactly', () => {
    expect(scalarValue(one('9007199254740993', 'int8'), 'zero')).toEqual({ value: 9007199254740992, approximate: true });
  });

  it('turns NULL into 0, or into no value with whenNull: skip', () => {
    expect(scalarValue(one(null), 'zero')).toEqual({ value: 0, approximate: false });
    expect(scalarValue(one(null), 'skip')).toBeUndefined();
  });

  it.each([
    [
      { columns: [{ name: 'n', type: 'int8' }], rows: [] },
      'it returned 0 rows × 1 column (n int8) (an aggregate such as count(*) or sum(x) always returns one row)',
    ],
    [{ columns: [{ name: 'n', type: 'int8' }], rows: [['1'], ['2']] }, 'it returned 2 rows × 1 column (n int8) (aggregate them, or set rows: true'],
    [
      {
        columns: [
          { name: 'id', type: 'INT' },
          { name: 'amount', type: 'DECIMAL' },
        ],
        rows: [[1, '2']],
      },
      'it returned 1 row × 2 columns (id INT, amount DECIMAL)',
    ],
    [{ columns: [], rows: [] }, 'it returned 0 rows × no columns'],
    [one('abc', 'text'), 'column "total" holds text "abc", not a number'],
    [one('NaN', 'float8'), 'column "total" holds float8 "NaN", not a number'],
    [one('t', 'bool'), 'column "total" holds bool "t", not a number'],
    [one('01:30:00', 'interval'), 'holds interval "01:30:00", not a number'],
    [one(Buffer.from('xy'), 'BLOB/TEXT'), 'holds 2 bytes of binary data (BLOB/TEXT), not a number'],
  ] as [SqlResult, string][])('explains a result that is not one number: %#', (result, message) => {
    expect(() => scalarValue(result, 'zero')).toThrow(message);
    try {
      scalarValue(result, 'zero');
    } catch (error) {
      expect((error as { code?: string }).code).toBe('KS_ERR_QUERY');
    }
  });
});

describe('rowValues: rows of (instant, value)', () => {
  const rows = (cells: unknown[][], types: [string, string] = ['timestamptz', 'int8']): SqlResult => ({
    columns: [
      { name: 'at', type: types[0] },
      { name: 'n', type: types[1] },
    ],
    rows: cells,
  });

  it('reads instants with an offset as instants, and dates or naive timestamps as wall times in the KPI zone', () => {
    const reading = rowValues(
      rows([
        ['2026-11-02 23:00:00+00', '3'],
        ['2026-11-05', '4'],
        ['2026-11-06 08:30:00', '5'],
        ['2026-11-07T00:00:00Z', 6],
      ]),
      NOVEMBER_PARIS,
      'zero',
    );
    expect(reading.values).toEqual([
      { value: 3, at: '2026-11-03T00:00:00.000+01:00' },
      { value: 4, at: '2026-11-05T00:00:00.000+01:00' },
      { value: 5, at: '2026-11-06T08:30:00.000+01:00' },
      { value: 6, at: '2026-11-07T01:00:00.000+01:00' },
    ]);
  });

  it('leaves rows outside the window out and counts them', () => {
    const reading = rowValues(
      rows([
        ['2026-10-31', '1'],
        ['2026-11-30', '2'],
        ['2026-12-01', '3'],
      ]),
      NOVEMBER_PARIS,
      'zero',
    );
    expect(reading.values.map((v) => v.value)).toEqual([2]);
    expect(reading.outside).toBe(2);
  });

  it('applies whenNull to NULL values', () => {
    expect(rowValues(rows([['2026-11-02', null]]), NOVEMBER_PARIS, 'zero').values).toEqual([{ value: 0, at: '2026-11-02T00:00:00.000+01:00' }]);
    expect(rowValues(rows([['2026-11-02', null]]), NOVEMBER_PARIS, 'skip').values).toEqual([]);
  });

  it('rejects a row with a bad instant or value, by row number, and keeps the others', () => {
    const reading = rowValues(
      rows([
        ['2026-11-02', '1'],
        [null, '2'],
        ['2026-11-03', 'x'],
      ]),
      NOVEMBER_PARIS,
      'zero',
    );
    expect(reading.values).toHaveLength(1);
    expect(reading.rejects).toEqual([
      { row: 2, reason: 'column 1 (at) holds NULL (timestamptz), not a date or timestamp' },
      { row: 3, reason: 'column 2 (n) holds int8 "x", not a number' },
    ]);
  });

  it('fails when no row is usable, or the result does not have two columns', () => {
    expect(() => rowValues(rows([[5, '2026-11-02']], ['int8', 'date']), NOVEMBER_PARIS, 'zero')).toThrow(
      'none of the 1 rows could be used: row 1: column 1 (at) holds the number 5 (int8), not a date or timestamp; return a date or timestamp',
    );
    expect(() => rowValues(one('1'), NOVEMBER_PARIS, 'zero')).toThrow(
      'with rows: true the query must return two columns, the instant first and the value second; it returned 1 row × 1 column (total numeric)',
    );
  });

  it('refuses text that is no date', () => {
    expect(readInstant('infinity', { name: 'at', type: 'timestamptz' }, 'UTC')).toEqual({ problem: 'timestamptz "infinity", not a date or timestamp' });
  });
});
