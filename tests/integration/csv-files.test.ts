import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import csv, { createCsvConnector } from '../../connectors/csv/index.ts';
import { fileError } from '../../connectors/csv/source.ts';
import { QueryError, SourceReadError } from '../../src/sdk/errors.ts';
import { makeTestContext, type TestContextOptions } from '../helpers/connector-context.ts';
import { rejection } from '../helpers/rejection.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/csv');
const tmp = mkdtempSync(path.join(tmpdir(), 'kpi-sync-csv-files-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tmpFile(name: string, content: string | Buffer): string {
  const file = path.join(tmp, name);
  writeFileSync(file, content);
  return file;
}

const MARCH_UTC = { timeZone: 'UTC', interval: 'month', at: '2026-03-15T12:00:00Z' } satisfies TestContextOptions;
const MARCH = '2026-03-01T00:00:00.000Z';

async function fetchCsv(connection: Record<string, unknown>, query: Record<string, unknown>, options: TestContextOptions = MARCH_UTC, connector = csv) {
  const ctx = makeTestContext({ baseDir: FIXTURES, ...options });
  const values = await connector.fetch(connector.connectionSchema.parse(connection), connector.querySchema.parse(query), ctx);
  return { values, ctx };
}

const failure: (promise: Promise<unknown>) => Promise<Error> = rejection;

const garbageQuery = { date: { column: 'date' }, value: { column: 'amount', aggregate: 'sum' } };

describe('csv connector: bad rows', () => {
  it('rejects bad rows with their line numbers and keeps the good ones', async () => {
    const { values, ctx } = await fetchCsv({ path: 'garbage.csv' }, garbageQuery);
    expect(values).toEqual([{ value: 120, at: MARCH }]);
    expect(ctx.diagnostics.rejects).toEqual([
      { where: 3, reason: 'unreadable date in column "date": "not-a-date"' },
      { where: 4, reason: 'not a number in column "amount": "abc"' },
      { where: 5, reason: 'expected 3 columns, found 2' },
      { where: 7, reason: 'unreadable date in column "date": "2026-02-30"' },
      { where: 8, reason: 'expected 3 columns, found 4' },
    ]);
    expect(ctx.diagnostics.counts).toMatchObject({ rowsRead: 9, rowsMatched: 3, rowsRejected: 5, blankValues: 1 });
    expect(ctx.diagnostics.counts.bytesRead).toBe(194);
  });

  it('reports an unclosed quote and reads on', async () => {
    const file = tmpFile('unclosed.csv', 'date,amount\n2026-03-01,"5\n2026-03-02,7\n');
    const { values, ctx } = await fetchCsv({ path: file }, garbageQuery);
    expect(values).toEqual([{ value: 7, at: MARCH }]);
    expect(ctx.diagnostics.rejects).toEqual([{ where: 2, reason: 'unclosed quote' }]);
  });

  it('gives the same values and rejects for any read size, quoted newlines across reads included', async () => {
    const file = tmpFile('chunks.csv', '\ufeffdate,note,amount\r\n2026-03-01,"multi\r\nline, ""quoted""",1.5\r\n2026-03-02,x,2\r\nbad,x,3\r\n2026-03-03,"",4');
    const query = { date: { column: 'date' }, value: { column: 'amount', aggregate: 'sum' } };
    const reference = await fetchCsv({ path: file }, query);
    expect(reference.values).toEqual([{ value: 7.5, at: MARCH }]);
    expect(reference.ctx.diagnostics.rejects).toEqual([{ where: 5, reason: 'unreadable date in column "date": "bad"' }]);
    for (const chunkBytes of [1, 2, 3, 5, 8, 13]) {
      const { values, ctx } = await fetchCsv({ path: file }, query, MARCH_UTC, createCsvConnector({ chunkBytes }));
      expect(values, `chunk ${chunkBytes}`).toEqual(reference.values);
      expect(ctx.diagnostics.rejects, `chunk ${chunkBytes}`).toEqual(reference.ctx.diagnostics.rejects);
    }
  });
});

describe('csv connector: formats', () => {
  const umsatz = { delimiter: ';', decimal: ',', thousands: '.' };
  const umsatzQuery = { date: { column: 'Datum', format: 'dd.MM.yyyy' }, value: { column: 'Umsatz', aggregate: 'sum' } };

  it('reads ; delimiters, CRLF, dd.MM.yyyy and 1.234,50', async () => {
    const { values } = await fetchCsv({ path: 'umsatz-semicolon.csv', ...umsatz }, umsatzQuery);
    expect(values).toEqual([{ value: 3235.25, at: MARCH }]);
    const sued = await fetchCsv({ path: 'umsatz-semicolon.csv', ...umsatz }, { ...umsatzQuery, filter: [{ column: 'Region', equals: 'Süd' }] });
    expect(sued.values).toEqual([{ value: 2000, at: MARCH }]);
  });

  it.each([
    ['latin1', (text: string) => Buffer.from(text, 'latin1')],
    ['windows-1252', (text: string) => Buffer.from(text.replaceAll('€', '\x80'), 'latin1')],
    ['utf16le', (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
  ] as const)('decodes %s', async (encoding, encode) => {
    const text = 'Datum;Region;Umsatz;Währung\n03.03.2026;Süd;"1.234,50";€\n04.03.2026;Nord;2,00;€\n';
    const content = encoding === 'latin1' ? encode(text.replaceAll('€', 'E')) : encode(text);
    const file = tmpFile(`umsatz-${encoding}.csv`, content);
    const { values } = await fetchCsv({ path: file, encoding, ...umsatz }, { ...umsatzQuery, filter: [{ column: 'Region', equals: 'Süd' }] });
    expect(values).toEqual([{ value: 1234.5, at: MARCH }]);
    if (encoding !== 'latin1') {
      const euro = await fetchCsv({ path: file, encoding, ...umsatz }, { ...umsatzQuery, filter: [{ column: 'Währung', equals: '€' }] });
      expect(euro.values).toEqual([{ value: 1236.5, at: MARCH }]);
    }
  });

  it('reads tab and pipe delimiters, single quotes and thousands apostrophes', async () => {
    const tab = tmpFile('tab.tsv', "date\tamount\n2026-03-01\t1'000.5\n2026-03-02\t'2'\n");
    const { values } = await fetchCsv({ path: tab, delimiter: '\t', quote: "'", thousands: "'" }, garbageQuery);
    expect(values).toEqual([{ value: 1002.5, at: MARCH }]);
    const pipe = tmpFile('pipe.csv', 'date|amount\n2026-03-01|1,5\n');
    expect((await fetchCsv({ path: pipe, delimiter: '|', decimal: ',' }, garbageQuery)).values).toEqual([{ value: 1.5, at: MARCH }]);
  });

  it('refers to columns by number when the file has no header', async () => {
    const file = tmpFile('no-header.csv', '2026-03-01,EMEA,10\n2026-03-02,APAC,20\n2026-03-03,EMEA,30\n');
    const query = { date: { column: 1 }, value: { column: 3, aggregate: 'sum' }, filter: [{ column: 2, equals: 'EMEA' }] };
    const { values, ctx } = await fetchCsv({ path: file, header: false }, query);
    expect(values).toEqual([{ value: 40, at: MARCH }]);
    expect(ctx.diagnostics.counts.rowsRead).toBe(3);
    const byName = await failure(fetchCsv({ path: file, header: false }, garbageQuery));
    expect(byName).toBeInstanceOf(QueryError);
    expect(byName.message).toContain('header is false');
  });

  it('also accepts column numbers with a header', async () => {
    const { values } = await fetchCsv({ path: 'garbage.csv' }, { date: { column: 1 }, value: { column: 3, aggregate: 'sum' } });
    expect(values).toEqual([{ value: 120, at: MARCH }]);
  });
});

describe('csv connector: sources and errors', () => {
  it('reads a file inside a folder connection', async () => {
    const { values } = await fetchCsv({ path: 'exports' }, { file: '2026-03.csv', date: { column: 'date' }, value: { column: 'mrr', aggregate: 'sum' } });
    expect(values).toEqual([{ value: 450, at: MARCH }]);
  });

  it('asks for `file` with a folder, and keeps it inside the folder', async () => {
    const missing = await failure(fetchCsv({ path: 'exports' }, garbageQuery));
    expect(missing).toBeInstanceOf(QueryError);
    expect(missing.message).toContain('is a folder');
    expect(missing.message).toContain('2026-03.csv');
    const outside = await failure(fetchCsv({ path: 'exports' }, { ...garbageQuery, file: '../sales.csv' }));
    expect(outside).toBeInstanceOf(QueryError);
    const notFolder = await failure(fetchCsv({ path: 'sales.csv' }, { ...garbageQuery, file: 'x.csv' }));
    expect(notFolder.message).toContain('is a file, not a folder');
  });

  it('a missing file is a SourceReadError naming the path, not retried', async () => {
    const err = await failure(fetchCsv({ path: 'nope/missing.csv' }, garbageQuery));
    expect(err).toBeInstanceOf(SourceReadError);
    expect(err).toMatchObject({ code: 'KS_ERR_SOURCE_READ', retryable: false });
    expect(err.message).toBe(`cannot read ${path.join(FIXTURES, 'nope/missing.csv')}: no such file or folder`);
  });

  it('maps permission and I/O failures to SourceReadErrors; only the latter are retried', () => {
    const errno = (code: string) => Object.assign(new Error(`${code}: failed`), { code });
    expect(fileError('/data/x.csv', errno('EACCES'))).toMatchObject({ message: 'cannot read /data/x.csv: permission denied', retryable: false });
    expect(fileError('/data/x.csv', errno('EPERM'))).toMatchObject({ message: 'cannot read /data/x.csv: permission denied', retryable: false });
    expect(fileError('/data/x.csv', errno('EISDIR'))).toMatchObject({ message: 'cannot read /data/x.csv: it is a folder', retryable: false });
    expect(fileError('/data/x.csv', errno('EIO'))).toMatchObject({ message: 'cannot read /data/x.csv: EIO', retryable: true });
    expect(fileError('/data/x.csv', errno('EIO'))).toBeInstanceOf(SourceReadError);
  });

  it('a missing column lists the columns found', async () => {
    const err = await failure(fetchCsv({ path: 'sales.csv' }, { date: { column: 'date' }, value: { column: 'amout', aggregate: 'sum' } }));
    expect(err).toBeInstanceOf(QueryError);
    expect(err.message).toBe(
      `value.column: column "amout" not found in ${path.join(FIXTURES, 'sales.csv')}; columns found: "date", "region", "product", "amount", "customer"`,
    );
  });

  it('a header that did not split hints at the delimiter', async () => {
    const err = await failure(fetchCsv({ path: 'umsatz-semicolon.csv' }, { value: { column: 'Umsatz', aggregate: 'sum' } }));
    expect(err.message).toContain('is the delimiter ";"?');
  });

  it('matches column names without regard to case when there is no exact match', async () => {
    const { values } = await fetchCsv({ path: 'garbage.csv' }, { date: { column: 'Date' }, value: { column: 'AMOUNT', aggregate: 'sum' } });
    expect(values).toEqual([{ value: 120, at: MARCH }]);
  });

  it('an empty file with a header expected says it is empty', async () => {
    const file = tmpFile('empty.csv', '');
    const err = await failure(fetchCsv({ path: file }, garbageQuery));
    expect(err.message).toContain('the file is empty');
  });

  it('stops when the sync is aborted', async () => {
    const ctx = makeTestContext({ baseDir: FIXTURES, ...MARCH_UTC });
    ctx.controller.abort(new Error('shutting down'));
    const run = csv.fetch(csv.connectionSchema.parse({ path: 'sales.csv' }), csv.querySchema.parse(garbageQuery), ctx);
    await expect(run).rejects.toThrow('shutting down');
  });
});

describe('csv connector: check', () => {
  const check = (connection: Record<string, unknown>) => csv.check(csv.connectionSchema.parse(connection), makeTestContext({ baseDir: FIXTURES }));

  it('reports the columns of a file', async () => {
    expect((await check({ path: 'sales.csv' })).detail).toBe(
      `${path.join(FIXTURES, 'sales.csv')} is readable; columns: date, region, product, amount, customer`,
    );
    expect((await check({ path: 'sales.csv', header: false })).detail).toContain('5 columns (header off');
  });

  it('reports the CSV files of a folder', async () => {
    expect((await check({ path: 'exports' })).detail).toBe(`folder ${path.join(FIXTURES, 'exports')} is readable: 1 CSV file (2026-03.csv)`);
  });

  it('fails for a missing file', async () => {
    await expect(check({ path: 'missing.csv' })).rejects.toBeInstanceOf(SourceReadError);
  });
});
