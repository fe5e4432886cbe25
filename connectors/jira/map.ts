import type { FieldDetails, JQLCount, SearchAndReconcileResults, ServerInformation, User } from 'jira.js/version3/models';
import type { SearchResults } from 'jira.js/version2/models';
import { BadResponseError, ConfigError, isRecord, type RawValue } from '../../src/sdk/index.ts';

/**
 * Vendor JSON → numbers and RawValues. Pure: no I/O, no clock. Shapes follow the
 * Jira Cloud OpenAPI document (JQLCountResultsBean, SearchAndReconcileResults,
 * FieldDetails, User, ServerInformation) and Data Center's v2 SearchResults; the
 * jira.js model types are used for them.
 */

function bad(what: string, expected: string): BadResponseError {
  return new BadResponseError(`${what} answered without ${expected}; is baseUrl a Jira site?`);
}

/** `POST /rest/api/3/search/approximate-count` → `{ count }` (JQLCountResultsBean). */
export function readApproximateCount(data: unknown, what: string): number {
  const count = isRecord(data) ? (data as JQLCount).count : undefined;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw bad(what, 'a whole "count"');
  return count;
}

/** Data Center `POST /rest/api/2/search` with maxResults 0 → `{ total }` (exact). */
export function readSearchTotal(data: unknown, what: string): number {
  const total = isRecord(data) ? (data as SearchResults).total : undefined;
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 0) throw bad(what, 'a whole "total"');
  return total;
}

export interface IssuePage {
  issues: Array<{ key: string; fields: Record<string, unknown> }>;
  /** Cloud: the token for the next page, absent on the last page. */
  nextPageToken?: string;
  /** Data Center: offset paging. */
  startAt?: number;
  total?: number;
}

/** One page of `/rest/api/3/search/jql` (SearchAndReconcileResults) or `/rest/api/2/search` (SearchResults). */
export function readIssuePage(data: unknown, what: string): IssuePage {
  if (!isRecord(data) || !Array.isArray(data.issues)) throw bad(what, 'an "issues" list');
  const page = data as SearchAndReconcileResults & SearchResults & { isLast?: boolean };
  const issues = (page.issues ?? []).map((issue, i) => {
    const raw = issue as unknown;
    if (!isRecord(raw)) throw bad(what, `an object at issues[${i}]`);
    const key = typeof raw.key === 'string' ? raw.key : typeof raw.id === 'string' ? raw.id : `#${i}`;
    return { key, fields: isRecord(raw.fields) ? raw.fields : {} };
  });
  const out: IssuePage = { issues };
  const last = page.isLast === true;
  if (!last && typeof page.nextPageToken === 'string' && page.nextPageToken !== '') out.nextPageToken = page.nextPageToken;
  if (typeof page.startAt === 'number') out.startAt = page.startAt;
  if (typeof page.total === 'number') out.total = page.total;
  return out;
}

/** Running sum of a numeric field over pages; issues without a value are skipped, not zero. */
export interface FieldTally {
  sum: number;
  counted: number;
  empty: number;
  rejected: Array<{ key: string; reason: string }>;
}

export function emptyTally(): FieldTally {
  return { sum: 0, counted: 0, empty: 0, rejected: [] };
}

export function addPage(tally: FieldTally, page: IssuePage, fieldId: string): FieldTally {
  for (const issue of page.issues) {
    const value = issue.fields[fieldId];
    if (value === null || value === undefined) {
      tally.empty += 1;
    } else if (typeof value === 'number' && Number.isFinite(value)) {
      tally.sum += value;
      tally.counted += 1;
    } else {
      tally.rejected.push({ key: issue.key, reason: `${fieldId} is ${describe(value)}, not a number` });
    }
  }
  return tally;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The datapoint for one period. An average of no issues is no value at all, not 0. */
export function toRawValues(metric: 'count' | 'sum' | 'avg', at: string, result: { count: number; approximate: boolean } | FieldTally): RawValue[] {
  if ('approximate' in result) return [{ value: result.count, at, ...(result.approximate ? { approximate: true } : {}) }];
  if (metric === 'avg') return result.counted === 0 ? [] : [{ value: result.sum / result.counted, at }];
  return [{ value: result.sum, at }];
}

/**
 * Finds a field by id, key or (case-insensitive) name in `/rest/api/3/field`
 * (FieldDetails[]). Two fields with one name is common ("Story Points" from two
 * apps), so an ambiguous name is an error listing the ids to choose from.
 */
export function resolveField(fields: readonly FieldDetails[], wanted: string): { id: string; name: string } {
  const exact = fields.find((f) => f.id === wanted || f.key === wanted);
  if (exact?.id) return checkNumeric(exact, wanted);
  const lower = wanted.trim().toLowerCase();
  const named = fields.filter((f) => f.name?.trim().toLowerCase() === lower);
  if (named.length === 1 && named[0]?.id) return checkNumeric(named[0], wanted);
  if (named.length > 1) {
    const ids = named.map((f) => `${f.id} (${f.schema?.custom ?? f.schema?.type ?? 'unknown type'})`).join(', ');
    throw new ConfigError(`field "${wanted}" matches ${named.length} Jira fields: ${ids}; set field to one of the ids`);
  }
  const words = lower.split(/\s+/).filter((w) => w.length >= 3);
  const near = fields
    .filter((f) => f.schema?.type === 'number' && words.some((w) => f.name?.toLowerCase().includes(w)))
    .slice(0, 5)
    .map((f) => `"${f.name}" (${f.id})`);
  throw new ConfigError(`no Jira field is named or has the id "${wanted}"${near.length > 0 ? `; numeric fields with a similar name: ${near.join(', ')}` : ''}`);
}

function checkNumeric(field: FieldDetails, wanted: string): { id: string; name: string } {
  const type = field.schema?.type;
  if (type !== undefined && type !== 'number') {
    throw new ConfigError(`field "${wanted}" (${field.id}) holds ${type} values; sum and avg need a number field`);
  }
  return { id: field.id as string, name: field.name ?? (field.id as string) };
}

export function readFields(data: unknown, what: string): FieldDetails[] {
  if (!Array.isArray(data)) throw bad(what, 'a list of fields');
  return data.filter(isRecord) as FieldDetails[];
}

/** The account we act as, from `/myself` (User). Data Center has `name` where Cloud has `accountId`. */
export function readMyself(data: unknown, what: string): { display: string; timeZone?: string } {
  if (!isRecord(data)) throw bad(what, 'a user');
  const user = data as Partial<User>;
  // Cloud sends `name: ""` and may hide the email; Data Center has no accountId.
  const id = [user.emailAddress, user.name, user.accountId].find((v): v is string => typeof v === 'string' && v !== '');
  if (user.displayName === undefined && id === undefined) throw bad(what, 'a user');
  const display = user.displayName && id ? `${user.displayName} <${id}>` : (user.displayName ?? id ?? '');
  return { display, ...(typeof user.timeZone === 'string' && user.timeZone !== '' ? { timeZone: user.timeZone } : {}) };
}

/** `/serverInfo` (ServerInformation): Cloud says deploymentType "Cloud"; Data Center "Server" or "DataCenter". */
export function readServerInfo(data: unknown, what: string): { version: string; deploymentType?: string; title?: string } {
  if (!isRecord(data)) throw bad(what, 'server information');
  const info = data as ServerInformation & { serverTitle?: string };
  if (typeof info.version !== 'string') throw bad(what, 'a "version"');
  return {
    version: info.version,
    ...(typeof info.deploymentType === 'string' ? { deploymentType: info.deploymentType } : {}),
    ...(typeof info.serverTitle === 'string' ? { title: info.serverTitle } : {}),
  };
}
