import { describe, expect, it } from 'vitest';
import { renderQuery, windowVariables } from '../../../connectors/intercom/query-template.ts';
import type { SearchQuery } from '../../../connectors/intercom/search-query.schema.ts';
import { ConfigError } from '../../../src/sdk/errors.ts';

const window = { start: '2026-11-01T00:00:00.000+01:00', end: '2026-12-01T00:00:00.000+01:00', timeZone: 'Europe/Paris' };
const START = 1793487600; // 2026-10-31T23:00:00Z
const END = 1796079600; // 2026-11-30T23:00:00Z
const vars = windowVariables(window);

describe('windowVariables', () => {
  it('gives the window as ISO text and as Unix seconds', () => {
    expect(vars).toEqual({
      window: {
        start: window.start,
        end: window.end,
        start_unix: START,
        end_unix: END,
        last_unix: END - 1,
        prev_day_unix: START - 43_200,
        time_zone: 'Europe/Paris',
      },
    });
    expect(new Date(START * 1000).toISOString()).toBe('2026-10-31T23:00:00.000Z');
  });
});

describe('renderQuery', () => {
  it('turns a lone numeric placeholder into a number, as the search endpoints take dates', () => {
    const query: SearchQuery = { field: 'created_at', operator: '>', value: '{{ window.start_unix }}' };
    expect(renderQuery(query, vars)).toEqual({ field: 'created_at', operator: '>', value: START });
  });

  it('keeps text placeholders and mixed strings as text', () => {
    expect(renderQuery({ field: 'custom_attributes.since', operator: '=', value: '{{window.start}}' }, vars)).toEqual({
      field: 'custom_attributes.since',
      operator: '=',
      value: window.start,
    });
    expect(renderQuery({ field: 'name', operator: '~', value: 'from {{window.start_unix}}' }, vars)).toEqual({
      field: 'name',
      operator: '~',
      value: `from ${START}`,
    });
  });

  it('renders inside nested groups and lists, and leaves other values alone', () => {
    const query: SearchQuery = {
      operator: 'AND',
      value: [
        { field: 'created_at', operator: '<', value: '{{window.last_unix}}' },
        {
          operator: 'OR',
          value: [
            { field: 'tag_ids', operator: 'IN', value: ['{{window.time_zone}}', 7] },
            { field: 'open', operator: '=', value: true },
          ],
        },
        { field: 'snoozed_until', operator: '=', value: null },
      ],
    };
    expect(renderQuery(query, vars)).toEqual({
      operator: 'AND',
      value: [
        { field: 'created_at', operator: '<', value: END - 1 },
        {
          operator: 'OR',
          value: [
            { field: 'tag_ids', operator: 'IN', value: ['Europe/Paris', 7] },
            { field: 'open', operator: '=', value: true },
          ],
        },
        { field: 'snoozed_until', operator: '=', value: null },
      ],
    });
  });

  it('a value cannot change the query structure: quotes and braces stay inside the string', () => {
    const tricky = windowVariables({ ...window, timeZone: '"}, {"field": "x' });
    expect(renderQuery({ field: 'f', operator: '=', value: 'tz {{window.time_zone}}' }, tricky)).toEqual({
      field: 'f',
      operator: '=',
      value: 'tz "}, {"field": "x',
    });
  });

  it('does not template field names', () => {
    expect(renderQuery({ field: '{{window.start}}', operator: '=', value: 1 }, vars)).toEqual({ field: '{{window.start}}', operator: '=', value: 1 });
  });

  it('an unknown placeholder is a ConfigError listing the known ones', () => {
    const render = () => renderQuery({ field: 'created_at', operator: '>', value: '{{window.begin_unix}}' }, vars);
    expect(render).toThrow(ConfigError);
    expect(render).toThrow(/Unknown template variable \{\{window\.begin_unix\}\}.*window\.start_unix/);
  });
});
