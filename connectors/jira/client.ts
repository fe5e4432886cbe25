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
import type { FieldDetails } from 'jira.js/version3/models';
import { AuthError, BadResponseError, ConfigError, type HttpClient } from '../../src/sdk/index.ts';
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
  /** A field id from an id or a name; the field list is fetched once per connection. */
  field(wanted: string): Promise<{ id: string; name: string }>;
  /** The zone Jira reads JQL dates in: the setting, else the account's profile zone (fetched once). */
  jqlTimeZone(): Promise<string>;
  myself(): Promise<{ display: string; timeZone?: string }>;
  serverInfo(): Promise<{ version: string; deploymentType?: string; title?: string }>;
  /** Whether the account may browse at least one project (BROWSE_PROJECTS in the global context). */
  canBrowse(): Promise<boolean | undefined>;
}

interface ConnectionCache {
  fields?: Promise<FieldDetails[]>;
  timeZone?: Promise<string>;
}

/** Per parsed connection: a config reload makes a new object and so a fresh cache. */
const caches = new WeakMap<JiraConnection, ConnectionCache>();

export function jiraApi(connection: JiraConnection, http: HttpClient, onRequest: () => void = () => {}): JiraApi {
  const cloud = connection.deployment === 'cloud';
  const api = cloud ? '/rest/api/3' : '/rest/api/2';
  const authorization = authorizationHeader(connection.auth);
  const shared: ConnectionCache = caches.get(connection) ?? {};
  caches.set(connection, shared);

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

  /** Memoises a lookup; a failed one is forgotten so the next run asks again. */
  function once<K extends keyof ConnectionCache>(key: K, load: () => NonNullable<ConnectionCache[K]>): NonNullable<ConnectionCache[K]> {
    const existing = shared[key];
    if (existing) return existing as NonNullable<ConnectionCache[K]>;
    const pending = load();
    shared[key] = pending;
    pending.catch(() => {
      if (shared[key] === pending) delete shared[key];
    });
    return pending;
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
      const path = `${api}/field`;
      const fields = await once('fields', async () => readFields(await call('GET', path), `GET ${path}`));
      return resolveField(fields, wanted);
    },

    async jqlTimeZone() {
      if (connection.jqlTimeZone) return connection.jqlTimeZone;
      return once('timeZone', async () => {
        const me = await myself();
        if (!me.timeZone) {
          throw new ConfigError(`Jira did not say which time zone ${me.display} reads JQL dates in; set jqlTimeZone on the connection`);
        }
        return me.timeZone;
      });
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
