import type { Logger } from 'pino';
import { BadResponseError, QueryError, type HttpClient } from '../../src/sdk/index.ts';
import { stripeErrorMapper } from './errors.ts';
import { readListPage, readSearchPage, type ListPage, type SearchPage } from './map.ts';
import { PAGE_LIMIT, STRIPE_BASE_URL, type StripeConnection } from './schema.ts';

type Params = Record<string, string | number | boolean | undefined>;

export interface StripeClient {
  /** One page of a list endpoint (`GET /v1/...`). */
  listPage(path: string, params: Params): Promise<ListPage>;
  /** Every page of a list endpoint, `limit=100` each, following `starting_after` (the last object's id). */
  list(path: string, params: Params): AsyncGenerator<ListPage>;
  /** One page of a search endpoint (`GET /v1/.../search`). */
  searchPage(path: string, query: string, params?: Params): Promise<SearchPage>;
  /** Every page of a search, `limit=100` each, following `next_page`. */
  search(path: string, query: string): AsyncGenerator<SearchPage>;
}

export interface StripeClientOptions {
  connection: StripeConnection;
  http: HttpClient;
  logger?: Logger;
}

/**
 * Requests to Stripe through the SDK's HTTP client (timeouts, retries, waits, typed
 * errors), GETs only: every read is idempotent, so a retried request cannot change
 * anything. Adds the bearer secret key and the pinned Stripe-Version
 * (https://docs.stripe.com/api/authentication, https://docs.stripe.com/api/versioning).
 */
export function createStripeClient(options: StripeClientOptions): StripeClient {
  const { connection, http, logger } = options;
  const base = connection.baseUrl ?? STRIPE_BASE_URL;
  const host = new URL(base).host;
  const headers = { authorization: `Bearer ${connection.secretKey}`, 'stripe-version': connection.apiVersion };

  async function get(path: string, params: Params): Promise<unknown> {
    const where = `GET ${host}${path}`;
    const response = await http.request({
      method: 'GET',
      url: `${base}${path}`,
      headers,
      query: params,
      label: where,
      mapError: stripeErrorMapper(where, [connection.secretKey]),
    });
    return response.data;
  }

  function tooMany(path: string): QueryError {
    return new QueryError(
      `GET ${host}${path}: more than ${connection.maxPages} pages of ${PAGE_LIMIT} objects; ` +
        "narrow the query (a shorter KPI interval) or raise the connection's maxPages",
    );
  }

  async function listPage(path: string, params: Params): Promise<ListPage> {
    return readListPage(await get(path, params), `GET ${host}${path}`);
  }

  async function searchPage(path: string, query: string, params: Params = {}): Promise<SearchPage> {
    return readSearchPage(await get(path, { query, ...params }), `GET ${host}${path}`);
  }

  return {
    listPage,
    searchPage,

    async *list(path, params) {
      let after: string | undefined;
      for (let number = 1; ; number += 1) {
        if (number > connection.maxPages) throw tooMany(path);
        const page = await listPage(path, { ...params, limit: PAGE_LIMIT, starting_after: after });
        logger?.debug({ path, page: number, objects: page.data.length }, 'stripe list page');
        yield page;
        if (!page.hasMore || page.data.length === 0) return;
        const last = page.data.at(-1)?.id;
        if (typeof last !== 'string' || last === after) throw new BadResponseError(`GET ${host}${path}: page ${number} says has_more but gives no new cursor`);
        after = last;
      }
    },

    async *search(path, query) {
      let cursor: string | undefined;
      const seen = new Set<string>();
      for (let number = 1; ; number += 1) {
        if (number > connection.maxPages) throw tooMany(path);
        const page = await searchPage(path, query, { limit: PAGE_LIMIT, page: cursor });
        logger?.debug({ path, page: number, objects: page.data.length }, 'stripe search page');
        yield page;
        if (!page.hasMore || page.nextPage === undefined) return;
        if (seen.has(page.nextPage)) throw new BadResponseError(`GET ${host}${path}: page ${number} handed back a next_page already followed`);
        seen.add(page.nextPage);
        cursor = page.nextPage;
      }
    },
  };
}
