import { KsError, renderTemplate, type SyncWindow } from '../../src/sdk/index.ts';

/**
 * The window placeholders a request template may use, for one period [start, end) in
 * the KPI's zone. APIs take dates in many forms, so each bound comes as ISO 8601 with
 * the zone's offset, Unix seconds, Unix ms and a calendar date in the KPI's zone.
 */
export function windowVariables(window: Pick<SyncWindow, 'start' | 'end' | 'timeZone' | 'interval'>): Record<string, unknown> {
  const startMs = instant(window.start, 'window.start');
  const endMs = instant(window.end, 'window.end');
  const endDate = window.end.slice(0, 10);
  return {
    window: {
      start: window.start,
      end: window.end,
      startUnix: Math.floor(startMs / 1000),
      endUnix: Math.floor(endMs / 1000),
      startMs,
      endMs,
      startDate: window.start.slice(0, 10),
      endDate,
      // The last calendar day inside the window, for APIs whose date ranges are inclusive.
      lastDate: /T00:00:00(\.000)?/.test(window.end) ? previousDay(endDate) : endDate,
      timeZone: window.timeZone,
      interval: window.interval,
    },
  };
}

/** A window of the right shape, for checking placeholders when the config loads. */
export const SAMPLE_VARIABLES = windowVariables({
  start: '2026-11-01T00:00:00.000+01:00',
  end: '2026-12-01T00:00:00.000+01:00',
  timeZone: 'Europe/Paris',
  interval: 'month',
});

/** The path with each placeholder value URL-encoded (`+01:00` → `%2B01%3A00`), so a value never changes the URL's structure. */
export function renderPath(path: string, vars: Record<string, unknown>): string {
  return renderTemplate(path, vars, (text) => encodeURIComponent(text));
}

/** Each value of a record rendered as text (query parameters and headers, encoded later by the HTTP client). */
export function renderRecord(record: Record<string, string>, vars: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, renderTemplate(value, vars)]));
}

const SINGLE_PLACEHOLDER = /^\s*\{\{[^{}]*\}\}\s*$/;

/**
 * A JSON body with the placeholders in its string values replaced, in the parsed
 * value's leaves (never in JSON text, so nothing needs quoting and no value changes the
 * body's structure). A string that is exactly one placeholder of a number becomes that
 * number (`"{{window.startUnix}}"` → 1793487600). Keys are literal.
 */
export function renderBody(body: unknown, vars: Record<string, unknown>): unknown {
  if (typeof body === 'string') return renderText(body, vars);
  if (Array.isArray(body)) return body.map((item) => renderBody(item, vars));
  if (body !== null && typeof body === 'object') {
    return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, renderBody(value, vars)]));
  }
  return body;
}

function renderText(text: string, vars: Record<string, unknown>): string | number {
  const raws: unknown[] = [];
  const rendered = renderTemplate(text, vars, (shown, raw) => {
    raws.push(raw);
    return shown;
  });
  const only = raws[0];
  return raws.length === 1 && SINGLE_PLACEHOLDER.test(text) && typeof only === 'number' ? only : rendered;
}

/** Every string leaf of a JSON value with its path, for checking a body's placeholders. */
export function stringLeaves(value: unknown, path: Array<string | number> = []): Array<{ path: Array<string | number>; text: string }> {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringLeaves(item, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => stringLeaves(item, [...path, key]));
  return [];
}

function previousDay(date: string): string {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return new Date(ms - 86_400_000).toISOString().slice(0, 10);
}

function instant(iso: string, name: string): number {
  const ms = Date.parse(iso);
  // The runner builds windows; an unreadable one is a bug, not a config mistake.
  if (Number.isNaN(ms)) throw new KsError('KS_ERR_INTERNAL', `${name} is not an instant: ${JSON.stringify(iso.slice(0, 40))}`);
  return ms;
}
