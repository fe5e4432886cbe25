import { describe, expect, it } from 'vitest';
import { aggregateValues, fieldValue, parseLimitInfo, parseQueryPage, RecordAggregator, type QueryPage } from '../../../connectors/salesforce/map.ts';
import { BadResponseError, QueryError } from '../../../src/sdk/index.ts';
import { fixture, query } from './sf-kit.ts';

const AT = '2026-11-01T00:00:00.000+01:00';
const page = (name: string) => parseQueryPage(fixture(name), 'test');

describe('parseLimitInfo', () => {
  it('reads api-usage alone or among other fields', () => {
    expect(parseLimitInfo('api-usage=18/5000')).toEqual({ used: 18, limit: 5000 });
    expect(parseLimitInfo('api-usage=25/5000; per-app-api-usage=17/250(appName=sample-connected-app)')).toEqual({ used: 25, limit: 5000 });
    expect(parseLimitInfo('api-usage=10018/100000; api-bursts=1/750')).toEqual({ used: 10018, limit: 100000 });
  });

  it('ignores what it cannot read', () => {
    expect(parseLimitInfo(undefined)).toBeUndefined();
    expect(parseLimitInfo('per-app-api-usage=17/250(appName=x)')).toBeUndefined();
    expect(parseLimitInfo('api-usage=5/0')).toBeUndefined();
  });
});

describe('aggregateValues', () => {
  it('reads the named alias, the only column, or expr0', () => {
    expect(aggregateValues(page('query-sum.json'), query({ soql: 'SELECT 1', value: 'TOTAL' }), AT)).toEqual([{ value: 1284500.5, at: AT }]);
    expect(aggregateValues(page('query-sum.json'), query({ soql: 'SELECT 1' }), AT)).toEqual([{ value: 1284500.5, at: AT }]);
    expect(aggregateValues(page('query-expr0.json'), query({ soql: 'SELECT 1' }), AT)).toEqual([{ value: 42, at: AT }]);
  });

  it('asks for query.value when several columns could be the value', () => {
    const two: QueryPage = { totalSize: 1, done: true, records: [{ attributes: { type: 'AggregateResult' }, total: 1, n: 2 }] };
    expect(() => aggregateValues(two, query({ soql: 'SELECT 1' }), AT)).toThrow(QueryError);
    expect(() => aggregateValues(two, query({ soql: 'SELECT 1' }), AT)).toThrow('several columns (total, n)');
    expect(aggregateValues(two, query({ soql: 'SELECT 1', value: 'n' }), AT)).toEqual([{ value: 2, at: AT }]);
  });

  it('rejects a value column that is not a number, or missing', () => {
    const text: QueryPage = { totalSize: 1, done: true, records: [{ attributes: { type: 'AggregateResult' }, total: 'lots' }] };
    expect(() => aggregateValues(text, query({ soql: 'SELECT 1' }), AT)).toThrow('column "total" holds "lots", not a number');
    expect(() => aggregateValues(page('query-sum.json'), query({ soql: 'SELECT 1', value: 'amount' }), AT)).toThrow('no column "amount"');
  });

  it('turns GROUP BY rows into dimensions; no groups is no values', () => {
    const q = query({ soql: 'SELECT 1', dimensions: ['StageName'] });
    expect(aggregateValues(page('query-grouped.json'), q, AT).map((v) => v.dimensions)).toEqual([
      { StageName: 'Closed Won' },
      { StageName: 'Negotiation/Review' },
    ]);
    expect(aggregateValues(page('query-empty.json'), q, AT)).toEqual([]);
  });
});

describe('RecordAggregator', () => {
  const records = [...page('query-records-page1.json').records, ...page('query-records-page2.json').records];

  it.each([
    ['sum', 7000],
    ['avg', 1750],
    ['min', 499.5],
    ['max', 3000],
    ['count', 5],
  ] as const)('%s over records, nulls skipped (count counts records)', (aggregate, expected) => {
    const agg = new RecordAggregator(query({ soql: 'SELECT Amount FROM Opportunity', aggregate, value: 'Amount' }));
    agg.add(records);
    expect(agg.values(AT)).toEqual([{ value: expected, at: AT }]);
  });

  it('rejects non-numeric values with the record id and keeps going', () => {
    const agg = new RecordAggregator(query({ soql: 'SELECT Amount FROM Opportunity', aggregate: 'sum', value: 'Amount' }));
    agg.add([
      { attributes: { type: 'Opportunity', url: '/services/data/v66.0/sobjects/Opportunity/006X' }, Amount: 'n/a' },
      { Id: '006Y', Amount: 5 },
    ]);
    expect(agg.values(AT)).toEqual([{ value: 5, at: AT }]);
    expect(agg.rejected).toEqual([{ where: '006X', reason: 'Amount is "n/a", not a number' }]);
  });

  it('groups by dimensions, reading relationship paths', () => {
    const agg = new RecordAggregator(
      query({ soql: 'SELECT Amount, Account.Industry FROM Opportunity', aggregate: 'sum', value: 'Amount', dimensions: ['Account.Industry'] }),
    );
    agg.add([
      { Amount: 10, Account: { Industry: 'Energy' } },
      { Amount: 5, Account: { Industry: 'Media' } },
      { Amount: 1, Account: { Industry: 'Energy' } },
      { Amount: 2, Account: null },
    ]);
    expect(agg.values(AT)).toEqual([
      { value: 11, at: AT, dimensions: { 'Account.Industry': 'Energy' } },
      { value: 5, at: AT, dimensions: { 'Account.Industry': 'Media' } },
      { value: 2, at: AT, dimensions: { 'Account.Industry': '' } },
    ]);
  });

  it('with no records: 0 for sum and count, nothing for avg', () => {
    for (const [aggregate, expected] of [
      ['sum', [{ value: 0, at: AT }]],
      ['count', [{ value: 0, at: AT }]],
      ['avg', []],
    ] as const) {
      expect(new RecordAggregator(query({ soql: 'SELECT Amount FROM Opportunity', aggregate, value: 'Amount' })).values(AT)).toEqual(expected);
    }
  });
});

describe('fieldValue and parseQueryPage', () => {
  it('matches names case-insensitively and follows dotted paths', () => {
    expect(fieldValue({ Amount: 3 }, 'amount')).toBe(3);
    expect(fieldValue({ Owner: { Manager: { Name: 'Kari' } } }, 'owner.manager.name')).toBe('Kari');
    expect(fieldValue({ Owner: null }, 'Owner.Name')).toBeUndefined();
  });

  it('rejects a body that is not a query result', () => {
    expect(() => parseQueryPage({ totalSize: 'x', done: true, records: [] }, 'GET query')).toThrow(BadResponseError);
    expect(() => parseQueryPage(undefined, 'GET query')).toThrow('GET query: not a query result');
  });
});
