import type { FieldDetails } from 'jira.js/version3/models';
import { describe, expect, it } from 'vitest';
import {
  addPage,
  emptyTally,
  readApproximateCount,
  readIssuePage,
  readMyself,
  readSearchTotal,
  resolveField,
  toRawValues,
} from '../../../connectors/jira/map.ts';
import { BadResponseError, ConfigError } from '../../../src/sdk/index.ts';
import { fixture } from '../../helpers/jira-context.ts';

const fields = fixture('fields.json') as FieldDetails[];
const AT = '2026-11-01T00:00:00.000+01:00';

describe('jira map', () => {
  it('reads the approximate count and the Data Center total', () => {
    expect(readApproximateCount(fixture('approximate-count.json'), 'x')).toBe(153);
    expect(readSearchTotal(fixture('search.datacenter.total.json'), 'x')).toBe(4821);
    expect(() => readApproximateCount({ total: 3 }, 'POST /rest/api/3/search/approximate-count')).toThrow(BadResponseError);
    expect(() => readSearchTotal(undefined, 'x')).toThrow(/without a whole "total"/);
  });

  it('reads pages: a token on all but the last page, none when isLast', () => {
    const first = readIssuePage(fixture('search-jql.story-points.page1.json'), 'x');
    expect(first.nextPageToken).toBe('CAEaAggD');
    expect(first.issues.map((i) => i.key)).toEqual(['KPI-1', 'KPI-2', 'KPI-3']);
    expect(readIssuePage(fixture('search-jql.story-points.page2.json'), 'x').nextPageToken).toBeUndefined();
    expect(readIssuePage({ issues: [], nextPageToken: 'zzz', isLast: true }, 'x').nextPageToken).toBeUndefined();
    expect(() => readIssuePage({ values: [] }, 'x')).toThrow(BadResponseError);
  });

  it('sums numbers, skips empty values and rejects non-numbers with the issue key', () => {
    const tally = emptyTally();
    addPage(tally, readIssuePage(fixture('search-jql.story-points.page1.json'), 'x'), 'customfield_10016');
    addPage(tally, readIssuePage(fixture('search-jql.story-points.page2.json'), 'x'), 'customfield_10016');
    expect(tally).toEqual({ sum: 16, counted: 3, empty: 1, rejected: [{ key: 'KPI-5', reason: 'customfield_10016 is the text "13", not a number' }] });
    expect(toRawValues('sum', AT, tally)).toEqual([{ value: 16, at: AT }]);
    expect(toRawValues('avg', AT, tally)).toEqual([{ value: 16 / 3, at: AT }]);
  });

  it('gives 0 for an empty sum or count but no value for an empty average', () => {
    expect(toRawValues('sum', AT, emptyTally())).toEqual([{ value: 0, at: AT }]);
    expect(toRawValues('avg', AT, emptyTally())).toEqual([]);
    expect(toRawValues('count', AT, { count: 0, approximate: true })).toEqual([{ value: 0, at: AT, approximate: true }]);
    expect(toRawValues('count', AT, { count: 7, approximate: false })).toEqual([{ value: 7, at: AT }]);
  });

  it('resolves a field by id, key or case-insensitive name, and refuses non-numbers', () => {
    expect(resolveField(fields, 'story points')).toEqual({ id: 'customfield_10016', name: 'Story Points' });
    expect(resolveField(fields, 'timespent')).toEqual({ id: 'timespent', name: 'Time Spent' });
    expect(() => resolveField(fields, 'Customer tier')).toThrow(/holds option values; sum and avg need a number field/);
    expect(() => resolveField(fields, 'Story Pointz')).toThrow(/no Jira field .*"Story Pointz".*"Story Points" \(customfield_10016\)/);
  });

  it('lists the ids when a name is ambiguous', () => {
    const err = (() => {
      try {
        resolveField(fixture('fields.duplicate-names.json') as FieldDetails[], 'Story Points');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/matches 2 Jira fields: customfield_10016 .*customfield_10200/);
  });

  it('describes the account on Cloud (email hidden or not) and Data Center', () => {
    expect(readMyself(fixture('myself.cloud.json'), 'x')).toEqual({ display: 'Mia Krystof <mia@example.com>', timeZone: 'Australia/Sydney' });
    const hidden = { ...(fixture('myself.cloud.json') as object), emailAddress: undefined };
    expect(readMyself(hidden, 'x').display).toBe('Mia Krystof <5b10a2844c20165700ede21g>');
    expect(readMyself(fixture('myself.datacenter.json'), 'x')).toEqual({ display: 'KPI Bot <kpi-bot@example.com>', timeZone: 'Europe/Berlin' });
  });
});
