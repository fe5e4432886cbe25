import { KsError, renderTemplate, type SyncWindow } from '../../src/sdk/index.ts';
import type { CountQuery, DealsWonQuery, Filter, FilterGroups, PipelineAmountQuery } from './schema.ts';

/**
 * The search request bodies (https://developers.hubspot.com/docs/api/crm/search):
 * `filterGroups` (ORed) of `filters` (ANDed) `{ propertyName, operator, value | values |
 * highValue }`, with every value a string. Dates are compared as Unix milliseconds,
 * which HubSpot accepts for date and datetime properties; the window is
 * `GTE start` and `LT end`, so a deal at the window's end belongs to the next period.
 */

export interface WindowMs {
  start: number;
  end: number;
}

export function windowMs(window: Pick<SyncWindow, 'start' | 'end'>): WindowMs {
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  if (Number.isNaN(start) || Number.isNaN(end)) throw new KsError('KS_ERR_INTERNAL', `the window ${window.start} – ${window.end} is not a pair of instants`);
  return { start, end };
}

function within(property: string, bounds: WindowMs): Filter[] {
  return [
    { propertyName: property, operator: 'GTE', value: String(bounds.start) },
    { propertyName: property, operator: 'LT', value: String(bounds.end) },
  ];
}

/** Won deals closed in the window: `hs_is_closed_won` true, or `dealstage` in the configured stages. */
export function dealsWonFilters(query: DealsWonQuery, bounds: WindowMs): FilterGroups {
  const won: Filter = query.stages
    ? { propertyName: 'dealstage', operator: 'IN', values: query.stages }
    : { propertyName: 'hs_is_closed_won', operator: 'EQ', value: 'true' };
  const pipeline: Filter[] = query.pipeline ? [{ propertyName: 'pipeline', operator: 'EQ', value: query.pipeline }] : [];
  return [{ filters: [...within('closedate', bounds), won, ...pipeline] }];
}

/** Open deals (`hs_is_closed` false) of the pipeline, optionally created in the window. */
export function pipelineFilters(query: PipelineAmountQuery, bounds: WindowMs): FilterGroups {
  const created = query.createdInWindow ? within('createdate', bounds) : [];
  return [
    {
      filters: [
        { propertyName: 'pipeline', operator: 'EQ', value: query.pipeline },
        { propertyName: 'hs_is_closed', operator: 'EQ', value: 'false' },
        ...created,
      ],
    },
  ];
}

/** The placeholders a `count` filter value may use, for one window. */
export function windowVariables(window: Pick<SyncWindow, 'start' | 'end' | 'timeZone'>): Record<string, unknown> {
  const { start, end } = windowMs(window);
  return { window: { start: window.start, end: window.end, start_ms: start, end_ms: end, last_ms: end - 1, time_zone: window.timeZone } };
}

/** The user's filter groups with every `{{window.*}}` in their values replaced; property names and operators stay literal. */
export function renderFilterGroups(groups: CountQuery['filterGroups'], vars: Record<string, unknown>): FilterGroups {
  const render = (text: string) => renderTemplate(text, vars);
  return groups.map((group) => ({
    filters: group.filters.map((filter) => ({
      propertyName: filter.propertyName,
      operator: filter.operator,
      ...(filter.value === undefined ? {} : { value: render(filter.value) }),
      ...(filter.highValue === undefined ? {} : { highValue: render(filter.highValue) }),
      ...(filter.values === undefined ? {} : { values: filter.values.map(render) }),
    })),
  }));
}
