import { DateTime } from 'luxon';
import { ConfigError, type SyncWindow } from '../../src/sdk/index.ts';
import { renderTemplate } from '../../src/sdk/index.ts';

/**
 * JQL string literal: double quotes, with `\` and `"` escaped and control
 * characters written as JQL escapes, so a value can never close the string and add
 * clauses (https://support.atlassian.com/jira-software-cloud/docs/use-advanced-search-with-jira-query-language-jql/).
 */
export function quoteJql(text: string): string {
  const body = text.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? c);
  return `"${body}"`;
}

/** True when the JQL has placeholders, so the JQL time zone is needed to render it. */
export function hasPlaceholders(jql: string): boolean {
  return jql.includes('{{');
}

/**
 * Renders `{{window.start}}` / `{{window.end}}` as quoted `"yyyy-MM-dd HH:mm"`.
 * JQL dates carry no offset: Jira reads them in the searching account's profile
 * time zone, so the window's instants are converted into `jqlTimeZone` first. A
 * midnight in the KPI's zone can be 23:00 the day before in Jira's eyes.
 */
export function renderJql(jql: string, window: Pick<SyncWindow, 'start' | 'end'>, jqlTimeZone: string): string {
  const vars = { window: { start: jqlDate(window.start, jqlTimeZone), end: jqlDate(window.end, jqlTimeZone) } };
  return renderTemplate(jql, vars, (text) => quoteJql(text));
}

function jqlDate(iso: string, zone: string): string {
  const at = DateTime.fromISO(iso, { setZone: true });
  if (!at.isValid) throw new ConfigError(`window bound ${JSON.stringify(iso)} is not an ISO 8601 instant`);
  const local = at.setZone(zone);
  if (!local.isValid) throw new ConfigError(`jqlTimeZone ${JSON.stringify(zone)} is not an IANA time zone`);
  if (local.second !== 0 || local.millisecond !== 0) {
    // JQL has minute precision; a bound inside a minute would silently move.
    throw new ConfigError(`window bound ${iso} is not on a whole minute; JQL dates have minute precision`);
  }
  return local.toFormat('yyyy-MM-dd HH:mm');
}
