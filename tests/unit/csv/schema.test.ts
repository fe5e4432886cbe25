import { describe, expect, it } from 'vitest';
import { connectionSchema, querySchema } from '../../../connectors/csv/schema.ts';
import { isSecretSchema } from '../../../src/sdk/secret.ts';

function issues(result: { success: boolean; error?: { issues: Array<{ message: string; path: PropertyKey[] }> } }): string[] {
  return result.success ? [] : result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('connectionSchema', () => {
  it('fills the defaults', () => {
    expect(connectionSchema.parse({ path: 'data/sales.csv' })).toEqual({
      path: 'data/sales.csv',
      delimiter: ',',
      quote: '"',
      header: true,
      encoding: 'utf8',
      decimal: '.',
      thousands: '',
    });
  });

  it('needs exactly one of path and url', () => {
    expect(issues(connectionSchema.safeParse({}))).toEqual([': a CSV connection needs exactly one of `path` (file or folder) or `url`']);
    expect(issues(connectionSchema.safeParse({ path: 'a.csv', url: 'https://x.test/a.csv' }))).toHaveLength(1);
  });

  it('allows https anywhere and plain http only on loopback', () => {
    expect(connectionSchema.safeParse({ url: 'https://files.example.com/kpi.csv' }).success).toBe(true);
    for (const url of ['http://127.0.0.1:8080/a.csv', 'http://127.1.2.3/a.csv', 'http://localhost/a.csv', 'http://[::1]:9000/a.csv']) {
      expect(connectionSchema.safeParse({ url }).success, url).toBe(true);
    }
    expect(issues(connectionSchema.safeParse({ url: 'http://files.example.com/kpi.csv' }))).toEqual([
      'url: plain http is only allowed for loopback hosts (127.0.0.0/8, localhost, ::1); use https (or a local file in `path`)',
    ]);
    expect(issues(connectionSchema.safeParse({ url: 'ftp://files.example.com/kpi.csv' }))[0]).toContain('unsupported protocol ftp:');
    expect(issues(connectionSchema.safeParse({ url: 'not a url' }))[0]).toContain('not a URL');
  });

  it('refuses credentials in the URL: they belong in the secret headers', () => {
    expect(issues(connectionSchema.safeParse({ url: 'https://user:pw@files.example.com/a.csv' }))[0]).toContain('put credentials in `headers`');
  });

  it('marks header values as secrets and only allows them for URLs', () => {
    const headers = connectionSchema.safeParse({ url: 'https://x.test/a.csv', headers: { Authorization: 'Bearer abc' } });
    expect(headers.success).toBe(true);
    expect(issues(connectionSchema.safeParse({ path: 'a.csv', headers: { Authorization: 'Bearer abc' } }))).toEqual([
      'headers: `headers` only apply to `url` sources',
    ]);
    expect(isSecretSchema(connectionSchema.shape.headers.unwrap().valueType)).toBe(true);
  });

  it('rejects unknown keys and unsupported separators', () => {
    expect(issues(connectionSchema.safeParse({ path: 'a.csv', delimeter: ';' }))[0]).toContain('delimeter');
    expect(connectionSchema.safeParse({ path: 'a.csv', delimiter: ':' }).success).toBe(false);
    expect(connectionSchema.safeParse({ path: 'a.csv', encoding: 'ebcdic' }).success).toBe(false);
    expect(issues(connectionSchema.safeParse({ path: 'a.csv', decimal: ',', thousands: ',' }))).toEqual([
      'thousands: thousands separator and decimal separator are both ","',
    ]);
  });

  it('accepts every documented option', () => {
    const parsed = connectionSchema.parse({
      path: 'exports',
      delimiter: '\t',
      quote: "'",
      header: false,
      encoding: 'windows-1252',
      decimal: ',',
      thousands: '.',
    });
    expect(parsed).toMatchObject({ delimiter: '\t', quote: "'", header: false, encoding: 'windows-1252', decimal: ',', thousands: '.' });
  });
});

describe('querySchema', () => {
  it('defaults the date format and the filter list', () => {
    expect(querySchema.parse({ date: { column: 'date' }, value: { column: 'amount', aggregate: 'sum' } })).toEqual({
      date: { column: 'date', format: 'iso' },
      value: { column: 'amount', aggregate: 'sum' },
      filter: [],
    });
  });

  it('needs a value column except for count_rows', () => {
    expect(querySchema.safeParse({ value: { aggregate: 'count_rows' } }).success).toBe(true);
    const needsColumn =
      'value.column: value.column is required unless aggregate is count_rows (count counts the rows whose value column parses; count_rows counts every row that passes the filters)';
    expect(issues(querySchema.safeParse({ value: { aggregate: 'sum' } }))).toEqual([needsColumn]);
    expect(issues(querySchema.safeParse({ value: { aggregate: 'count' } }))).toEqual([needsColumn]);
  });

  it('takes columns by name or 1-based number', () => {
    expect(querySchema.safeParse({ value: { column: 3, aggregate: 'max' }, date: { column: 1, format: 'epoch_s' } }).success).toBe(true);
    expect(querySchema.safeParse({ value: { column: 0, aggregate: 'max' } }).success).toBe(false);
    expect(querySchema.safeParse({ value: { column: 1.5, aggregate: 'max' } }).success).toBe(false);
  });

  it('needs a condition in every filter and rejects unknown keys', () => {
    expect(issues(querySchema.safeParse({ value: { aggregate: 'count_rows' }, filter: [{ column: 'region' }] }))).toEqual([
      'filter.0: a filter needs at least one of equals, notEquals, in, min, max',
    ]);
    expect(querySchema.safeParse({ value: { aggregate: 'count_rows' }, filter: [{ column: 'region', equal: 'EMEA' }] }).success).toBe(false);
    expect(querySchema.safeParse({ value: { aggregate: 'count_rows' }, filter: [{ column: 'region', in: [] }] }).success).toBe(false);
    expect(
      querySchema.safeParse({ value: { aggregate: 'count_rows' }, filter: [{ column: 'region', in: ['EMEA', 3], notEquals: 'x', min: 1, max: 2 }] }).success,
    ).toBe(true);
  });
});
