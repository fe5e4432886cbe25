import { BadResponseError, describeValue, isRecord } from '../../src/sdk/index.ts';

/**
 * HubSpot search answers → numbers, pure. Shape per HubSpot's CRM search documentation
 * (https://developers.hubspot.com/docs/api/crm/search): `{ total, results: [{ id,
 * properties: { name: string | null }, createdAt, updatedAt, archived }], paging?: { next:
 * { after, link } } }`. Property values come back as strings, numbers included.
 */

export interface SearchPage {
  total: number;
  results: Array<{ id: string; properties: Record<string, unknown> }>;
  /** The `after` cursor of the next page; undefined on the last page. */
  after: string | undefined;
}

export function readSearchPage(body: unknown, where: string): SearchPage {
  if (!isRecord(body)) throw new BadResponseError(`${where}: expected a search answer, got ${describeValue(body)}`);
  const total = body.total;
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 0)
    throw new BadResponseError(`${where}: the answer has no total${total === undefined ? '' : ` (got ${describeValue(total)})`}`);
  if (!Array.isArray(body.results)) throw new BadResponseError(`${where}: "results" is ${describeValue(body.results)}, not a list`);
  const results = body.results.map((record, i) => {
    if (!isRecord(record)) throw new BadResponseError(`${where}: results[${i}] is ${describeValue(record)}, not a record`);
    return { id: String(record.id ?? `#${i + 1}`), properties: isRecord(record.properties) ? record.properties : {} };
  });
  const next = isRecord(body.paging) && isRecord(body.paging.next) ? body.paging.next.after : undefined;
  return { total, results, after: typeof next === 'string' && next !== '' ? next : typeof next === 'number' ? String(next) : undefined };
}

export type AmountReading = { kind: 'number'; value: number } | { kind: 'missing' } | { kind: 'invalid'; text: string };

/** A property's numeric value: HubSpot sends "1500.50" (or a number); null or "" is missing. */
export function readAmount(properties: Record<string, unknown>, property: string): AmountReading {
  const raw = properties[property];
  if (raw === null || raw === undefined || raw === '') return { kind: 'missing' };
  if (typeof raw === 'number' && Number.isFinite(raw)) return { kind: 'number', value: raw };
  if (typeof raw === 'string' && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(raw)) return { kind: 'number', value: Number(raw) };
  return { kind: 'invalid', text: JSON.stringify(raw).slice(0, 40) };
}
