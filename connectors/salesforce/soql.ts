import { DateTime } from 'luxon';
import { ConfigError } from '../../src/sdk/index.ts';
import { renderTemplate } from '../../src/sdk/index.ts';

/** One period to read: inclusive start, exclusive end, ISO with the KPI zone's offset. */
export interface Period {
  start: string;
  end: string;
}

/** SOQL date and dateTime literals are written bare; anything else is quoted. */
const DATE_LITERAL = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME_LITERAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/;

/**
 * The escape for `renderTemplate`: date and dateTime literals and numbers go in bare
 * (SOQL rejects quoted dates), any other text becomes a quoted SOQL string with
 * backslash escapes, so a value can never end the literal and inject a clause.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
 */
export function soqlEscape(text: string, raw: unknown): string {
  if (typeof raw === 'number' && Number.isFinite(raw)) return text;
  if (DATE_LITERAL.test(text) || DATETIME_LITERAL.test(text)) return text;
  const escaped = text.replace(/[\\'"\n\r\t\b\f]/g, (c) => {
    const map: Record<string, string> = { '\\': '\\\\', "'": "\\'", '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
    return map[c] ?? c;
  });
  return `'${escaped}'`;
}

function literals(iso: string, timeZone: string): { dateTime: string; date: string } {
  const at = DateTime.fromISO(iso, { zone: timeZone });
  if (!at.isValid) throw new ConfigError(`window bound ${JSON.stringify(iso)} is not an ISO date-time`);
  // SOQL dateTime literals take no fraction of a second: 2026-11-01T00:00:00+01:00.
  return { dateTime: at.toFormat("yyyy-MM-dd'T'HH:mm:ssZZ"), date: at.toFormat('yyyy-MM-dd') };
}

/**
 * The SOQL for one period: `{{window.start}}` / `{{window.end}}` as dateTime literals and
 * `{{window.startDate}}` / `{{window.endDate}}` as date literals, all in the KPI's zone
 * (dates are the zone's calendar dates, which is what a Date field like CloseDate holds).
 */
export function renderSoql(soql: string, period: Period, timeZone: string): string {
  const start = literals(period.start, timeZone);
  const end = literals(period.end, timeZone);
  const vars = { window: { start: start.dateTime, end: end.dateTime, startDate: start.date, endDate: end.date } };
  return renderTemplate(soql, vars, soqlEscape).trim();
}
