import { KsError } from '../../src/sdk/index.ts';
import { renderTemplate } from '../../src/sdk/index.ts';
import type { FilterValue, SearchQuery } from './search-query.schema.ts';

/** The period a query is rendered for: [start, end) as ISO with the KPI zone's offset. */
export interface QueryWindow {
  start: string;
  end: string;
  timeZone: string;
}

const HOUR_SECONDS = 3600;

/**
 * The placeholders a query may use. Intercom filters compare dates as Unix seconds, so
 * besides the ISO `start`/`end` there are:
 * - `start_unix`, `end_unix`: the window's bounds in Unix seconds;
 * - `last_unix`: `end_unix - 1`, the last second inside the window, because the
 *   conversations and tickets search documents `<` as "Lower (or equal) than";
 * - `prev_day_unix`: an instant on the calendar day before the window starts
 *   (start − 12 h, clear of any DST shift), because contacts search matches dates by
 *   calendar day and `>` "matches from the start of the *next* day".
 */
export function windowVariables(window: QueryWindow): Record<string, unknown> {
  const startUnix = unixSeconds(window.start, 'window.start');
  const endUnix = unixSeconds(window.end, 'window.end');
  return {
    window: {
      start: window.start,
      end: window.end,
      start_unix: startUnix,
      end_unix: endUnix,
      last_unix: endUnix - 1,
      prev_day_unix: startUnix - 12 * HOUR_SECONDS,
      time_zone: window.timeZone,
    },
  };
}

/**
 * The query with every placeholder in its string values replaced. Substitution happens in
 * the parsed query's leaves, never in JSON text, so no value can change the query's
 * structure and nothing needs quoting. A value that is exactly one placeholder of a
 * number (`"{{window.start_unix}}"`) becomes that number, as the search endpoints take
 * integers for dates; anything else stays text. Field names and operators are literal.
 */
export function renderQuery(query: SearchQuery, vars: Record<string, unknown>): SearchQuery {
  if ('field' in query) return { field: query.field, operator: query.operator, value: renderValue(query.value, vars) };
  return { operator: query.operator, value: query.value.map((inner) => renderQuery(inner, vars)) };
}

function renderValue(value: FilterValue, vars: Record<string, unknown>): FilterValue {
  if (typeof value === 'string') return renderText(value, vars);
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? renderText(item, vars) : item)) as Array<string | number>;
  return value;
}

const SINGLE_PLACEHOLDER = /^\s*\{\{[^{}]*\}\}\s*$/;

function renderText(text: string, vars: Record<string, unknown>): string | number {
  const raws: unknown[] = [];
  // The escape hook sees each value before it becomes text: that is how a lone numeric
  // placeholder keeps its type.
  const rendered = renderTemplate(text, vars, (shown, raw) => {
    raws.push(raw);
    return shown;
  });
  const only = raws[0];
  if (raws.length === 1 && SINGLE_PLACEHOLDER.test(text) && typeof only === 'number') return only;
  return rendered;
}

function unixSeconds(iso: string, name: string): number {
  const ms = Date.parse(iso);
  // The runner builds windows; an unreadable one is a bug, not a config mistake.
  if (Number.isNaN(ms)) throw new KsError('KS_ERR_INTERNAL', `${name} is not an instant: ${JSON.stringify(iso.slice(0, 40))}`);
  return Math.floor(ms / 1000);
}
