import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import csv from '../../connectors/csv/index.ts';
import { makeTestContext, type TestContextOptions } from '../helpers/connector-context.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/csv');
const tmp = mkdtempSync(path.join(tmpdir(), 'kpi-sync-csv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tmpFile(name: string, content: string | Buffer): string {
  const file = path.join(tmp, name);
  writeFileSync(file, content);
  return file;
}

const OSLO_Q1 = { timeZone: 'Europe/Oslo', interval: 'month', span: { start: '2026-01-01', end: '2026-04-01' } } satisfies TestContextOptions;
const JAN = '2026-01-01T00:00:00.000+01:00';
const FEB = '2026-02-01T00:00:00.000+01:00';
const MAR = '2026-03-01T00:00:00.000+01:00';

async function fetchCsv(connection: Record<string, unknown>, query: Record<string, unknown>, options: TestContextOptions = OSLO_Q1, connector = csv) {
  const ctx = makeTestContext({ baseDir: FIXTURES, ...options });
  const values = await connector.fetch(connector.connectionSchema.parse(connection), connector.querySchema.parse(query), ctx);
  return { values, ctx };
}

const sales = { path: 'sales.csv' };
const byDate = { column: 'date' };

describe('csv connector: aggregates', () => {
  it.each([
    ['sum', [350.75, 501, 60.5]],
    ['avg', [350.75 / 3, 501 / 3, 60.5 / 3]],
    ['min', [50, 75.25, 10]],
    ['max', [200.25, 300, 30.5]],
    ['count', [3, 3, 3]],
    ['last', [50, 125.75, 30.5]],
  ] as const)('%s of amount per month', async (aggregate, expected) => {
    const { values } = await fetchCsv(sales, { date: byDate, value: { column: 'amount', aggregate } });
    expect(values.map((v) => v.at)).toEqual([JAN, FEB, MAR]);
    expect(values.map((v) => v.value)).toEqual(expected.map((e) => expect.closeTo(e, 10)));
  });

  it('count_distinct of customers per month', async () => {
    const { values } = await fetchCsv(sales, { date: byDate, value: { column: 'customer', aggregate: 'count_distinct' } });
    expect(values).toEqual([
      { value: 2, at: JAN },
      { value: 3, at: FEB },
      { value: 3, at: MAR },
    ]);
  });

  it('last is the value on the latest date, not the last line', async () => {
    const file = tmpFile('unsorted.csv', 'date,v\n2026-01-20,1\n2026-01-25,2\n2026-01-10,3\n2026-01-25,4\n');
    const { values } = await fetchCsv({ path: file }, { date: byDate, value: { column: 'v', aggregate: 'last' } });
    expect(values).toEqual([{ value: 4, at: JAN }]);
  });

  it('count counts the rows whose value parses, as sum sees them; count_rows counts every row', async () => {
    const file = tmpFile('blanks.csv', 'date,v\n2026-01-02,1\n2026-01-03,\n2026-01-04, \n2026-01-05,0\n2026-01-06,12abc\n');
    const counted = await fetchCsv({ path: file }, { date: byDate, value: { column: 'v', aggregate: 'count' } });
    const summed = await fetchCsv({ path: file }, { date: byDate, value: { column: 'v', aggregate: 'sum' } });
    const rows = await fetchCsv({ path: file }, { date: byDate, value: { aggregate: 'count_rows' } });
    expect(counted.values).toEqual([{ value: 2, at: JAN }]);
    expect(counted.ctx.diagnostics.counts.blankValues).toBe(2);
    // "12abc" is rejected by both, with its line: count and sum agree about which rows exist.
    expect(counted.ctx.diagnostics.rejects).toEqual(summed.ctx.diagnostics.rejects);
    expect(counted.ctx.diagnostics.rejects).toEqual([{ where: 6, reason: 'not a number in column "v": "12abc"' }]);
    expect(rows.values).toEqual([{ value: 5, at: JAN }]);
  });

  it('suggests the separators that would read the rejected numbers', async () => {
    const file = tmpFile('us.csv', 'date,v\n2026-01-02,"1,387.79"\n2026-01-03,"12,000.5"\n');
    const { ctx } = await fetchCsv({ path: file }, { date: byDate, value: { column: 'v', aggregate: 'sum' } });
    expect(ctx.diagnostics.hints).toEqual([
      'the rejected numbers look like they use "," for thousands and "." for decimals: set decimal: "." and thousands: "," on the connection',
    ]);
    const de = tmpFile('de.csv', 'date;v\n2026-01-02;1.387,79\n');
    const german = await fetchCsv({ path: de, delimiter: ';' }, { date: byDate, value: { column: 'v', aggregate: 'sum' } });
    expect(german.ctx.diagnostics.hints).toEqual([
      'the rejected numbers look like they use "." for thousands and "," for decimals: set decimal: "," and thousands: "." on the connection',
    ]);
  });
});

describe('csv connector: filters', () => {
  const sum = { column: 'amount', aggregate: 'sum' };
  const sums = async (filter: unknown[]) => (await fetchCsv(sales, { date: byDate, value: sum, filter })).values;

  it('equals a string (quoted fields included)', async () => {
    expect(await sums([{ column: 'region', equals: 'EMEA' }])).toEqual([
      { value: 150.5, at: JAN },
      { value: 201, at: FEB },
      { value: 50.5, at: MAR },
    ]);
    expect(await sums([{ column: 'product', equals: 'Widget, large' }])).toEqual([{ value: 125.75, at: FEB }]);
  });

  it('in, notEquals, min and max, all of them together', async () => {
    expect(await sums([{ column: 'region', notEquals: 'EMEA' }])).toEqual([
      { value: 200.25, at: JAN },
      { value: 300, at: FEB },
      { value: 10, at: MAR },
    ]);
    expect(
      await sums([
        { column: 'region', in: ['EMEA', 'APAC'] },
        { column: 'amount', min: 50 },
      ]),
    ).toEqual([
      { value: 350.75, at: JAN },
      { value: 201, at: FEB },
    ]);
    expect(
      await sums([
        { column: 'amount', min: 20, max: 100.5 },
        { column: 'product', in: ['Widget', 'Gizmo'] },
      ]),
    ).toEqual([
      { value: 150.5, at: JAN },
      { value: 75.25, at: FEB },
      { value: 50.5, at: MAR },
    ]);
  });

  it('compares numbers as numbers', async () => {
    expect(await sums([{ column: 'amount', equals: 50 }])).toEqual([{ value: 50, at: JAN }]);
    expect(await sums([{ column: 'amount', in: [100.5, '10'] }])).toEqual([
      { value: 100.5, at: JAN },
      { value: 10, at: MAR },
    ]);
  });

  it('matches a long in-list', async () => {
    const many = Array.from({ length: 20 }, (_, k) => `C${k}`);
    const { values } = await fetchCsv(sales, { date: byDate, value: { aggregate: 'count_rows' }, filter: [{ column: 'customer', in: many }] });
    expect(values.map((v) => v.value)).toEqual([3, 3, 3]);
  });
});

describe('csv connector: periods and windows', () => {
  it('buckets local dates into ISO weeks in a zone with DST', async () => {
    const { values } = await fetchCsv(
      sales,
      { date: byDate, value: { column: 'amount', aggregate: 'sum' } },
      {
        timeZone: 'America/New_York',
        interval: 'week',
        span: { start: '2026-01-01', end: '2026-04-06' },
      },
    );
    expect(values).toEqual([
      { value: 100.5, at: '2026-01-05T00:00:00.000-05:00' },
      { value: 200.25, at: '2026-01-19T00:00:00.000-05:00' },
      { value: 125.25, at: '2026-01-26T00:00:00.000-05:00' },
      { value: 300, at: '2026-02-09T00:00:00.000-05:00' },
      { value: 135.75, at: '2026-02-23T00:00:00.000-05:00' },
      { value: 20, at: '2026-03-09T00:00:00.000-04:00' },
      { value: 30.5, at: '2026-03-30T00:00:00.000-04:00' },
    ]);
  });

  it('buckets instants with offsets, Z and local wall times around a DST change', async () => {
    const file = tmpFile(
      'instants.csv',
      'ts,amount\n2026-03-08T01:30:00-05:00,1\n2026-03-09T03:30:00Z,2\n2026-03-09T04:30:00Z,4\n2026-03-09T00:15:00,8\n2026-03-02T00:00:00-05:00,16\n',
    );
    const { values } = await fetchCsv(
      { path: file },
      { date: { column: 'ts' }, value: { column: 'amount', aggregate: 'sum' } },
      {
        timeZone: 'America/New_York',
        interval: 'week',
        span: { start: '2026-02-23', end: '2026-03-16' },
      },
    );
    expect(values).toEqual([
      { value: 19, at: '2026-03-02T00:00:00.000-05:00' },
      { value: 12, at: '2026-03-09T00:00:00.000-04:00' },
    ]);
  });

  it('reads epoch seconds and milliseconds', async () => {
    const seconds = tmpFile('epoch-s.csv', 'at,n\n1767225600,1\n1767311999,2\n1767312000,4\n');
    const millis = tmpFile('epoch-ms.csv', 'at,n\n1767225600000,1\n1767311999999,2\n1767312000000,4\n');
    const span = { timeZone: 'UTC', interval: 'day', span: { start: '2026-01-01', end: '2026-01-03' } } satisfies TestContextOptions;
    const expected = [
      { value: 3, at: '2026-01-01T00:00:00.000Z' },
      { value: 4, at: '2026-01-02T00:00:00.000Z' },
    ];
    expect((await fetchCsv({ path: seconds }, { date: { column: 'at', format: 'epoch_s' }, value: { column: 'n', aggregate: 'sum' } }, span)).values).toEqual(
      expected,
    );
    expect((await fetchCsv({ path: millis }, { date: { column: 'at', format: 'epoch_ms' }, value: { column: 'n', aggregate: 'sum' } }, span)).values).toEqual(
      expected,
    );
  });

  it('current mode keeps only rows inside the window, compared in the KPI zone', async () => {
    const file = tmpFile(
      'edges.csv',
      [
        'when,n',
        '2026-02-28T23:59,1', // local, February
        '2026-03-01T00:30,2', // local, March
        '2026-02-28T22:59:00Z,4', // 23:59 in Oslo: February
        '2026-02-28T23:30:00Z,8', // 00:30 in Oslo: March
        '2026-03-31,16',
        '2026-04-01,32',
      ].join('\n'),
    );
    const { values } = await fetchCsv(
      { path: file },
      { date: { column: 'when' }, value: { column: 'n', aggregate: 'sum' } },
      {
        timeZone: 'Europe/Oslo',
        interval: 'month',
        at: '2026-03-15T12:00:00',
      },
    );
    expect(values).toEqual([{ value: 26, at: MAR }]);
  });

  it('keeps a date whose midnight falls in a DST gap (the day starts at 01:00)', async () => {
    const file = tmpFile('santiago.csv', 'date,n\n2026-09-05,1\n2026-09-06,2\n2026-09-06T01:30,8\n2026-09-07,16\n');
    const { values } = await fetchCsv(
      { path: file },
      { date: byDate, value: { column: 'n', aggregate: 'sum' } },
      {
        timeZone: 'America/Santiago',
        interval: 'day',
        at: '2026-09-06T12:00:00',
      },
    );
    expect(values).toEqual([{ value: 10, at: '2026-09-06T01:00:00.000-03:00' }]);
  });

  it('backfill returns every period of the file inside the window', async () => {
    const wide = await fetchCsv(
      sales,
      { date: byDate, value: { column: 'amount', aggregate: 'sum' } },
      { ...OSLO_Q1, span: { start: '2020-01-01', end: '2030-01-01' } },
    );
    expect(wide.values.map((v) => v.at)).toEqual([JAN, FEB, MAR]);
    const feb = await fetchCsv(
      sales,
      { date: byDate, value: { column: 'amount', aggregate: 'sum' } },
      { ...OSLO_Q1, span: { start: '2026-02-01', end: '2026-03-01' } },
    );
    expect(feb.values).toEqual([{ value: 501, at: FEB }]);
  });

  it('current mode with no rows: 0 for sum, count and count_distinct; nothing for avg, min, max, last', async () => {
    const june = { timeZone: 'Europe/Oslo', interval: 'month', at: '2026-06-10T12:00:00' } satisfies TestContextOptions;
    const junePeriod = '2026-06-01T00:00:00.000+02:00';
    for (const aggregate of ['sum', 'count', 'count_distinct'] as const) {
      expect((await fetchCsv(sales, { date: byDate, value: { column: 'amount', aggregate } }, june)).values).toEqual([{ value: 0, at: junePeriod }]);
    }
    for (const aggregate of ['avg', 'min', 'max', 'last'] as const) {
      expect((await fetchCsv(sales, { date: byDate, value: { column: 'amount', aggregate } }, june)).values).toEqual([]);
    }
  });

  it('without a date column every row counts toward the window period', async () => {
    const { values } = await fetchCsv(
      sales,
      { value: { column: 'amount', aggregate: 'sum' } },
      { timeZone: 'Europe/Oslo', interval: 'month', at: '2026-11-03T10:00:00' },
    );
    expect(values).toEqual([{ value: 912.25, at: '2026-11-01T00:00:00.000+01:00' }]);
  });

  it('asks periodOf once per period, not once per row', async () => {
    const lines = ['date,n'];
    for (let day = 0; day < 90; day++) {
      const date = new Date(Date.UTC(2026, 0, 1 + day)).toISOString().slice(0, 10);
      for (let k = 0; k < 5; k++) lines.push(`${date},1`);
    }
    const file = tmpFile('many-days.csv', lines.join('\n'));
    const { values, ctx } = await fetchCsv({ path: file }, { date: byDate, value: { column: 'n', aggregate: 'sum' } });
    expect(values).toEqual([
      { value: 155, at: JAN },
      { value: 140, at: FEB },
      { value: 155, at: MAR },
    ]);
    expect(ctx.periodOfCalls()).toBeLessThanOrEqual(5);
  });
});
