import { DateTime } from 'luxon';
import type { SyncWindow } from '../../src/sdk/index.ts';
import type { WindowParameter } from './placeholders.ts';
import type { Dialect } from './schema.ts';

/**
 * The values bound to the window parameters, as text the server converts by context.
 *
 * Postgres reads ISO 8601 with an offset for every date/time type: `timestamptz`
 * gets the exact instant, `date` the calendar day and `timestamp` the wall time
 * written (https://www.postgresql.org/docs/current/datatype-datetime.html#DATATYPE-DATETIME-INPUT).
 * So :window_start is the bound as the KPI's zone writes it, and :window_start_utc
 * the same instant with Z, for `timestamp` columns that hold UTC.
 *
 * MySQL and MariaDB take `YYYY-MM-DD HH:MM:SS.fff` without an offset (MariaDB refuses
 * one): :window_start is the wall time in the KPI's zone (DATE and local DATETIME
 * columns), :window_start_utc the UTC wall time (TIMESTAMP columns, whose values the
 * session shows in UTC, and DATETIME columns holding UTC).
 */
export function windowParameters(window: SyncWindow, dialect: Dialect): Record<WindowParameter, string> {
  const start = DateTime.fromISO(window.start, { setZone: true });
  const end = DateTime.fromISO(window.end, { setZone: true });
  if (!start.isValid || !end.isValid) throw new RangeError(`the window ${window.start} – ${window.end} is not ISO 8601`);
  const local = (at: DateTime) => (dialect === 'postgres' ? at.toISO()! : at.toFormat('yyyy-MM-dd HH:mm:ss.SSS'));
  const utc = (at: DateTime) => (dialect === 'postgres' ? at.toUTC().toISO()! : at.toUTC().toFormat('yyyy-MM-dd HH:mm:ss.SSS'));
  return {
    window_start: local(start),
    window_end: local(end),
    window_start_utc: utc(start),
    window_end_utc: utc(end),
    window_zone: window.timeZone,
    window_interval: window.interval,
  };
}

/** The values for a bound statement's positions, in order. */
export function parameterValues(names: readonly WindowParameter[], window: SyncWindow, dialect: Dialect): string[] {
  const values = windowParameters(window, dialect);
  return names.map((name) => values[name]);
}
