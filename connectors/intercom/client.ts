import type { Logger } from 'pino';
import { AuthError, BadResponseError, ConfigError, QueryError, type HttpClient, type HttpResponse, type KsError } from '../../src/sdk/index.ts';
import { excerpt } from '../../src/sdk/index.ts';
import { readAdmin, readSearchPage, type AdminIdentity, type SearchPage } from './map.ts';
import { REGION_HOSTS, SUPPORTED_VERSIONS, type IntercomConnection, type SearchObject } from './schema.ts';
import type { SearchQuery } from './search-query.schema.ts';

/** The smallest page a count can ask for: `total_count` comes with any page size. */
export const COUNT_PAGE_SIZE = 1;

export interface IntercomClientOptions {
  connection: IntercomConnection;
  http: HttpClient;
  logger?: Logger;
  /** Sees the headers of every successful response (for API-usage figures). */
  onResponse?: (headers: Record<string, string>) => void;
}

export interface IntercomClient {
  /** `GET /me`: the admin the token belongs to. */
  me(): Promise<AdminIdentity>;
  /** `POST /{object}/search` with one record a page: the matches' `total_count`, one request. */
  count(object: SearchObject, query: SearchQuery): Promise<number>;
  /** Every page of a search, `perPage` records each, following `pages.next.starting_after`. */
  pages(object: SearchObject, query: SearchQuery, perPage: number): AsyncGenerator<SearchPage>;
}

/** The connection's API root: its explicit base URL, else its region's host. */
export function intercomBaseUrl(connection: Pick<IntercomConnection, 'baseUrl' | 'region'>): string {
  return connection.baseUrl ?? REGION_HOSTS[connection.region];
}

/**
 * Requests to Intercom through the SDK's HTTP client (timeouts, retries, rate-limit
 * waits, typed errors). Adds the bearer token and the pinned `Intercom-Version` header,
 * turns `intercom_version_invalid` into a ConfigError and tells the operator what to
 * check on a 401.
 */
export function createIntercomClient(options: IntercomClientOptions): IntercomClient {
  const { connection, http, logger } = options;
  const base = intercomBaseUrl(connection);
  const host = new URL(base).host;
  const headers = {
    authorization: `Bearer ${connection.accessToken}`,
    'intercom-version': connection.version,
    accept: 'application/json',
  };

  async function send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    try {
      const response = await http.request({ method, url: `${base}${path}`, headers, body, mapError: (res) => versionError(res, `${method} ${host}${path}`) });
      options.onResponse?.(response.headers);
      return response.data;
    } catch (error) {
      throw explain(error);
    }
  }

  function versionError(response: HttpResponse<unknown>, where: string): KsError | undefined {
    const error = intercomErrors(response.data).find((e) => e.code === 'intercom_version_invalid');
    if (error === undefined) return undefined;
    const said = excerpt(`${error.code}${error.message ? `: ${error.message}` : ''}`, [connection.accessToken], 200);
    return new ConfigError(
      `${where} → ${response.status}: Intercom rejected Intercom-Version ${connection.version} (${said}); ` +
        `set the connection's version to one this workspace and endpoint support (${SUPPORTED_VERSIONS.join(', ')})`,
    );
  }

  function explain(error: unknown): unknown {
    if (!(error instanceof AuthError)) return error;
    const where = connection.baseUrl
      ? `that baseUrl ${base} reaches the workspace's region`
      : `that region ${connection.region} (${host}) is the workspace's region`;
    return new AuthError(`${error.message}; check the access token (revoked or expired?) and ${where}`, { cause: error.cause });
  }

  async function search(object: SearchObject, query: SearchQuery, perPage: number, startingAfter: string | undefined): Promise<SearchPage> {
    const pagination = startingAfter === undefined ? { per_page: perPage } : { per_page: perPage, starting_after: startingAfter };
    const path = `/${object}/search`;
    const data = await send('POST', path, { query, pagination });
    return readSearchPage(data, object, `POST ${host}${path}`);
  }

  return {
    async me() {
      return readAdmin(await send('GET', '/me'), `GET ${host}/me`);
    },

    async count(object, query) {
      const page = await search(object, query, COUNT_PAGE_SIZE, undefined);
      logger?.debug({ object, totalCount: page.totalCount }, 'intercom search count');
      return page.totalCount;
    },

    async *pages(object, query, perPage) {
      const seen = new Set<string>();
      let cursor: string | undefined;
      for (let number = 1; ; number += 1) {
        if (number > connection.maxPages) {
          throw new QueryError(
            `POST ${host}/${object}/search: more than ${connection.maxPages} pages of ${perPage} records match; ` +
              "narrow the query (a shorter window, more filters) or raise the connection's maxPages",
          );
        }
        const page = await search(object, query, perPage, cursor);
        logger?.debug({ object, page: number, records: page.items.length, totalCount: page.totalCount }, 'intercom search page');
        yield page;
        if (page.next === undefined || page.items.length === 0) return;
        if (seen.has(page.next)) {
          throw new BadResponseError(`POST ${host}/${object}/search: page ${number} handed back a cursor already followed; stopping to avoid a loop`);
        }
        seen.add(page.next);
        cursor = page.next;
      }
    },
  };
}

interface IntercomErrorItem {
  code: string;
  message?: string;
}

/** The items of an `error.list` body: `{ type: 'error.list', errors: [{ code, message }] }`. */
function intercomErrors(data: unknown): IntercomErrorItem[] {
  if (data === null || typeof data !== 'object' || !Array.isArray((data as { errors?: unknown }).errors)) return [];
  const out: IntercomErrorItem[] = [];
  for (const item of (data as { errors: unknown[] }).errors) {
    if (item === null || typeof item !== 'object') continue;
    const { code, message } = item as { code?: unknown; message?: unknown };
    if (typeof code !== 'string') continue;
    out.push(typeof message === 'string' ? { code, message } : { code });
  }
  return out;
}
