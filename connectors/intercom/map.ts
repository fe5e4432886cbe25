import { BadResponseError, describeValue, isRecord } from '../../src/sdk/index.ts';
import type { Aggregate, SearchObject } from './schema.ts';

/**
 * Intercom JSON → numbers, pure. Shapes per the API description (2.11–2.14):
 * `conversation_list` { conversations, total_count, pages }, `contact_list`
 * { data, total_count, pages }, `ticket_list` { tickets, total_count, pages }, with
 * `cursor_pages.next` a `starting_after_paging` { per_page, starting_after };
 * `admin_with_app` for GET /me.
 */

/** Where each search response keeps its records. */
export const ITEMS_KEY: Record<SearchObject, string> = {
  conversations: 'conversations',
  contacts: 'data',
  tickets: 'tickets',
};

export interface SearchPage {
  totalCount: number;
  items: unknown[];
  /** The `starting_after` cursor of the next page; undefined on the last page. */
  next: string | undefined;
}

/** One page of a search response; throws a BadResponseError when the body is not a search list. */
export function readSearchPage(body: unknown, object: SearchObject, where: string): SearchPage {
  if (!isRecord(body)) throw new BadResponseError(`${where}: expected a ${object} search list, got ${describeValue(body)}`);
  const totalCount = body.total_count;
  if (typeof totalCount !== 'number' || !Number.isInteger(totalCount) || totalCount < 0) {
    throw new BadResponseError(`${where}: the response has no total_count (got ${describeValue(totalCount)})`);
  }
  const key = ITEMS_KEY[object];
  const items = body[key] ?? [];
  if (!Array.isArray(items)) throw new BadResponseError(`${where}: "${key}" is ${describeValue(items)}, not a list`);
  return { totalCount, items, next: nextCursor(body.pages) };
}

function nextCursor(pages: unknown): string | undefined {
  if (!isRecord(pages) || !isRecord(pages.next)) return undefined;
  const cursor = pages.next.starting_after;
  return typeof cursor === 'string' && cursor !== '' ? cursor : undefined;
}

/** The value at a dot path (`statistics.time_to_admin_reply`); undefined when any step is missing. */
export function valueAt(record: unknown, path: string): unknown {
  let current: unknown = record;
  for (const key of path.split('.')) {
    if (!isRecord(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** A record's id for diagnostics (`conversation 515`), or its position on the page. */
export function recordLabel(record: unknown, object: SearchObject, position: number): string {
  const id = isRecord(record) && (typeof record.id === 'string' || typeof record.id === 'number') ? String(record.id) : `#${position}`;
  return `${object.replace(/s$/, '')} ${id}`;
}

/**
 * Folds field values into one aggregate, the way SQL does: records without a value
 * (null or missing) are left out; an empty set sums to 0 and has no avg, min or max.
 */
export class Aggregator {
  readonly kind: Exclude<Aggregate, 'count'>;
  private n = 0;
  private total = 0;
  private low = Infinity;
  private high = -Infinity;

  constructor(kind: Exclude<Aggregate, 'count'>) {
    this.kind = kind;
  }

  add(value: number): void {
    this.n += 1;
    this.total += value;
    if (value < this.low) this.low = value;
    if (value > this.high) this.high = value;
  }

  get count(): number {
    return this.n;
  }

  /** The aggregate, or undefined when there is none (avg, min or max of nothing). */
  result(): number | undefined {
    if (this.kind === 'sum') return this.total;
    if (this.n === 0) return undefined;
    if (this.kind === 'avg') return this.total / this.n;
    return this.kind === 'min' ? this.low : this.high;
  }
}

export interface AdminIdentity {
  id: string;
  name?: string;
  email?: string;
  workspace?: string;
  workspaceId?: string;
  region?: string;
}

/** Who the token belongs to, from GET /me (`admin_with_app`). */
export function readAdmin(body: unknown, where: string): AdminIdentity {
  if (!isRecord(body) || (typeof body.id !== 'string' && typeof body.id !== 'number')) {
    throw new BadResponseError(`${where}: expected an admin with an id, got ${describeValue(body)}`);
  }
  const app = isRecord(body.app) ? body.app : {};
  const identity: AdminIdentity = { id: String(body.id) };
  if (typeof body.name === 'string') identity.name = body.name;
  if (typeof body.email === 'string') identity.email = body.email;
  if (typeof app.name === 'string') identity.workspace = app.name;
  if (typeof app.id_code === 'string') identity.workspaceId = app.id_code;
  if (typeof app.region === 'string') identity.region = app.region;
  return identity;
}

/** "Ciaran Lee <admin@x.io> (admin 991267459), workspace "MyApp" (abc123, region US)". */
export function describeAdmin(admin: AdminIdentity): string {
  const who = [admin.name, admin.email ? `<${admin.email}>` : undefined].filter(Boolean).join(' ');
  const workspaceNote = [admin.workspaceId, admin.region ? `region ${admin.region}` : undefined].filter(Boolean).join(', ');
  const workspace = admin.workspace ? `, workspace ${JSON.stringify(admin.workspace)}${workspaceNote ? ` (${workspaceNote})` : ''}` : '';
  return `${who ? `${who} ` : ''}(admin ${admin.id})${workspace}`;
}
