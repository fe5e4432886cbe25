// errors.ts rather than the SDK index: the read path should not load the HTTP client and zod.
import { QueryError } from '../../src/sdk/index.ts';
import type { ColumnRef } from './schema.ts';

/**
 * Turns the query's column references into 0-based field indexes, once, from the
 * header row (or the first row's width when the file has no header). A wrong name
 * is the most common CSV mistake, so the error lists what the file does have.
 */
export interface ColumnLayout {
  /** Where the columns came from, for messages: the file path or URL. */
  source: string;
  /** Header names, or undefined when `header` is false. */
  names: string[] | undefined;
  /** Fields per row. */
  width: number;
  /** The connection's delimiter, to spot a header that did not split. */
  delimiter: string;
}

const OTHER_DELIMITERS = [',', ';', '\t', '|'];

function listColumns(layout: ColumnLayout): string {
  if (layout.names === undefined) return `${layout.width} columns (header is off)`;
  if (layout.names.length === 0) return 'no columns (the file is empty)';
  const shown = layout.names.slice(0, 50).map((n) => JSON.stringify(n));
  const more = layout.names.length > 50 ? `, … (${layout.names.length} in all)` : '';
  return `columns found: ${shown.join(', ')}${more}`;
}

function delimiterHint(layout: ColumnLayout): string {
  if (layout.names?.length !== 1) return '';
  const only = layout.names[0]!;
  const likely = OTHER_DELIMITERS.find((d) => d !== layout.delimiter && only.includes(d));
  return likely === undefined ? '' : ` (the header did not split on ${JSON.stringify(layout.delimiter)}: is the delimiter ${JSON.stringify(likely)}?)`;
}

/** The 0-based index of `ref`; `role` names the query key for the message ("value.column"). */
export function resolveColumn(ref: ColumnRef, layout: ColumnLayout, role: string): number {
  if (typeof ref === 'number') {
    if (ref <= layout.width) return ref - 1;
    throw new QueryError(`${role}: column ${ref} does not exist in ${layout.source}, which has ${layout.width} columns; ${listColumns(layout)}`);
  }
  if (layout.names === undefined) {
    throw new QueryError(`${role}: "${ref}" is a column name, but header is false for ${layout.source}: refer to columns by 1-based number (e.g. column: 3)`);
  }
  const exact = layout.names.indexOf(ref);
  if (exact >= 0) return exact;
  const folded = ref.trim().toLowerCase();
  const loose = layout.names.findIndex((n) => n.trim().toLowerCase() === folded);
  if (loose >= 0) return loose;
  throw new QueryError(`${role}: column "${ref}" not found in ${layout.source}; ${listColumns(layout)}${delimiterHint(layout)}`);
}
