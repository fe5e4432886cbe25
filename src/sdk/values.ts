/** A plain JSON object (not null, not a list): what an API's answer must be before its fields are read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A short, safe description of a value an API sent where something else was expected,
 * for a BadResponseError: its kind, and a string's first characters, never a whole body.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'an empty body';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `text ${JSON.stringify(value.slice(0, 60))}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
