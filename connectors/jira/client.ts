/**
 * Jira REST calls, auth and paging.
 *
 * Why ctx.http and not jira.js's Version3Client/Version2Client: those clients own an
 * axios instance of their own, so the SDK's per-attempt timeouts, retries with
 * jitter, Retry-After and rate-limit budgeting, typed errors and credential
 * scrubbing would all be bypassed (a jira.js middleware only sees errors after axios
 * has made them, request config and Authorization header attached). So requests go
 * through ctx.http, and jira.js 5.4 supplies the request and response types (the 5.x
 * line keeps the v2 models Data Center needs; 6.x is Cloud only).
 */
import type { CountIssues, SearchForIssuesUsingJqlEnhancedSearchPost } from 'jira.js/version3/parameters';
import type { SearchForIssuesUsingJqlPost } from 'jira.js/version2/parameters';
import { AuthError, BadResponseError, ConfigError, z, type ConnectionState, type HttpClient } from '../../src/sdk/index.ts';
import { authHint, authorizationHeader } from './auth.ts';
import { jiraErrorMapper } from './errors.ts';
import {
  addPage,
  emptyTally,
  readApproximateCount,
  readFields,
  readIssuePage,
  readMyself,
  readSearchTotal,
  readServerInfo,
  resolveField,
  type FieldTally,
  type IssuePage,
} from './map.ts';
import type { JiraConnection } from './schema.ts';

/** Issues per page asked for; Jira returns fewer when it likes (5000 is the Cloud cap for ids only). */
const CLOUD_PAGE = 5000;
/** Data Center caps pages at jira.search.views.default.max (1000 by default). */
const DC_PAGE = 1000;

export interface JiraApi {
  /** Cloud: one approximate-count request, or ids paged for `exact`. Data Center: one exact search total. */
  count(jql: string, exact: boolean): Promise<{ count: number; approximate: boolean }>;
  /** Pages through the matching issues asking for `fieldId` only. */
  tallyField(jql: string, fieldId: string): Promise<FieldTally>;
  /** A field id from an id or a name; a name is looked up in the field list, and the answer shared for LOOKUP_TTL_MS. */
  field(wanted: string): Promise<{ id: string; name: string }>;
  /** The zone Jira reads JQL dates in: the setting, else the account's profile zone (shared for LOOKUP_TTL_MS). */
  jqlTimeZone(): Promise<string>;
  myself(): Promise<{ display: string; timeZone?: string }>;
  serverInfo(): Promise<{ version: string; deploymentType?: string; title?: string }>;
  /** Whether the account may browse at least one project (BROWSE_PROJECTS in the global context). */
  canBrowse(): Promise<boolean | undefined>;
}

/**
 * How long a field id or the account's JQL time zone, once looked up, is shared with
 * every run and process on the connection (`ctx.connectionState`): a renamed field or a
 * changed profile zone is picked up within the hour, and the lookups cost at most one
 * request an hour instead of one a run.
 */
export const LOOKUP_TTL_MS = 60 * 60_000;

const fieldSchema = z.object({ id: z.string().min(1), name: z.string() });

/** The state key of a field lookup: names match case-insensitively, so their spellings share one entry. */
function fieldKey(wanted: string): string {
  return `field:${wanted.trim().toLowerCase()}`;
}

export function jiraApi(connection: JiraConnection, http: HttpClient, state: ConnectionState, onRequest: () => void = () => {}): JiraApi {
  const cloud = connection.deployment === 'cloud';
  const api = cloud ? '/rest/api/3' : '/rest/api/2';
  const authorization = authorizationHeader(connection.auth);

  async function call(method: 'GET' | 'POST', path: string, body?: unknown, query?: Record<string, string>): Promise<unknown> {
    const what = `${method} ${path}`;
    onRequest();
    try {
      const response = await http.request({
        method,
        url: `${connection.baseUrl}${path}`,
        headers: { authorization },
        ...(body === undefined ? {} : { body }),
        ...(query === undefined ? {} : { query }),
        ...(connection.timeoutMs === undefined ? {} : { timeoutMs: connection.timeoutMs }),
        mapError: jiraErrorMapper(what, connection.deployment),
      });
      return response.data;
    } catch (err) {
      if (err instanceof AuthError) {
        throw new AuthError(`${err.message} — ${authHint(connection.auth)}`, { cause: err.cause });
      }
      throw err;
    }
  }

  async function cloudPages(jql: string, fields: string[], each: (page: IssuePage) => void): Promise<void> {
    const path = `${api}/search/jql`;
    let token: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const body = { jql, fields, maxResults: CLOUD_PAGE, ...(token ? { nextPageToken: token } : {}) } satisfies SearchForIssuesUsingJqlEnhancedSearchPost;
      const page = readIssuePage(await call('POST', path, body), `POST ${path}`);
      each(page);
      if (page.nextPageToken === undefined) return;
      if (seen.has(page.nextPageToken) || page.issues.length === 0) {
        throw new BadResponseError(`POST ${path} handed back a page token it already gave (or an empty page with a token); stopping to avoid a loop`);
      }
      seen.add(page.nextPageToken);
      token = page.nextPageToken;
    }
  }

  async function dataCenterPages(jql: string, fields: string[], each: (page: IssuePage) => void): Promise<void> {
    const path = `${api}/search`;
    let startAt = 0;
    for (;;) {
      const body = { jql, startAt, maxResults: DC_PAGE, fields } satisfies SearchForIssuesUsingJqlPost;
      const page = readIssuePage(await call('POST', path, body), `POST ${path}`);
      each(page);
      startAt += page.issues.length;
      if (page.issues.length === 0 || page.total === undefined || startAt >= page.total) return;
    }
  }

  const pages = cloud ? cloudPages : dataCenterPages;

  async function myself(): Promise<{ display: string; timeZone?: string }> {
    const path = `${api}/myself`;
    return readMyself(await call('GET', path), `GET ${path}`);
  }

  return {
    async count(jql, exact) {
      if (!cloud) {
        const path = `${api}/search`;
        const body = { jql, maxResults: 0 } satisfies SearchForIssuesUsingJqlPost;
        return { count: readSearchTotal(await call('POST', path, body), `POST ${path}`), approximate: false };
      }
      if (exact) {
        let count = 0;
        await pages(jql, ['id'], (page) => {
          count += page.issues.length;
        });
        return { count, approximate: false };
      }
      const path = `${api}/search/approximate-count`;
      const body = { jql } satisfies CountIssues;
      return { count: readApproximateCount(await call('POST', path, body), `POST ${path}`), approximate: true };
    },

    async tallyField(jql, fieldId) {
      const tally = emptyTally();
      await pages(jql, [fieldId], (page) => addPage(tally, page, fieldId));
      return tally;
    },

    async field(wanted) {
      // A custom field id needs no lookup: the sum then costs only its search pages.
      if (/^customfield_\d+$/.test(wanted)) return { id: wanted, name: wanted };
      const known = fieldSchema.safeParse(await state.get(fieldKey(wanted)));
      if (known.success) return known.data;
      // Only the answer is kept, not the list: a site can have thousands of fields. A
      // name that resolves to nothing is an error, asked again on the next run.
      const path = `${api}/field`;
      const found = resolveField(readFields(await call('GET', path), `GET ${path}`), wanted);
      await state.set(fieldKey(wanted), found, { ttlMs: LOOKUP_TTL_MS });
      return found;
    },

    async jqlTimeZone() {
      if (connection.jqlTimeZone) return connection.jqlTimeZone;
      const known = await state.get('jqlTimeZone');
      if (typeof known === 'string' && known !== '') return known;
      const me = await myself();
      if (!me.timeZone) {
        throw new ConfigError(`Jira did not say which time zone ${me.display} reads JQL dates in; set jqlTimeZone on the connection`);
      }
      await state.set('jqlTimeZone', me.timeZone, { ttlMs: LOOKUP_TTL_MS });
      return me.timeZone;
    },

    myself,

    async serverInfo() {
      const path = `${api}/serverInfo`;
      return readServerInfo(await call('GET', path), `GET ${path}`);
    },

    async canBrowse() {
      const path = `${api}/mypermissions`;
      const data = await call('GET', path, undefined, { permissions: 'BROWSE_PROJECTS' });
      const entry = (data as { permissions?: Record<string, { havePermission?: unknown }> } | undefined)?.permissions?.BROWSE_PROJECTS;
      return typeof entry?.havePermission === 'boolean' ? entry.havePermission : undefined;
    },
  };
}
