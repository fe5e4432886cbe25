/**
 * Conversions from the records callers hand the store to the typed columns people
 * query. The exact text of every instant stays in a `*_iso` column or the record's
 * jsonb, so reads return what was written; the typed columns are derived here with
 * Date.parse, the same parser SQLite's `*_ms` columns use, so both adapters agree on
 * which instant a string means.
 */

/** The instant as a UTC ISO string for a timestamptz parameter; null when `iso` is absent or not an instant. */
export function instantOrNull(iso: string | undefined): string | null {
  if (iso === undefined) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** An integer column's value; null when absent or not a safe integer. */
export function integerOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isSafeInteger(value) ? value : null;
}

/** A double precision column's value; null when absent or not finite. */
export function numberOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

/** A jsonb parameter; undefined (no JSON form) means "forget it" to the callers. */
export function jsonOf(value: unknown): string | undefined {
  return JSON.stringify(value) as string | undefined;
}
