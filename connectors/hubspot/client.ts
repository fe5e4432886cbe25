import type { Logger } from 'pino';
import { BadResponseError, QueryError, type HttpClient } from '../../src/sdk/index.ts';
import { hubspotErrorMapper } from './errors.ts';
import { readSearchPage, type SearchPage } from './map.ts';
import { HUBSPOT_BASE_URL, MAX_LIMIT, MAX_RESULTS, type FilterGroups, type HubspotConnection } from './schema.ts';

export interface HubspotClient {
  /** `POST /crm/v3/objects/{objectType}/search` with `limit: 1`: the matches' `total`, one request. */
  count(objectType: string, filterGroups: FilterGroups): Promise<number>;
  /** Every page of a search, 200 records each, following `paging.next.after`, with the given properties. */
  pages(objectType: string, filterGroups: FilterGroups, properties: string[]): AsyncGenerator<SearchPage>;
}

export interface HubspotClientOptions {
  connection: HubspotConnection;
  http: HttpClient;
  logger?: Logger;
  /** Sees the headers of every successful response (for API-usage figures). */
  onResponse?: (headers: Record<string, string>) => void;
}

/** A stable order while paging: records created or changed mid-way do not shift the pages (ids only grow). */
const BY_ID = [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }];

/**
 * CRM search requests through the SDK's HTTP client (timeouts, retries, rate-limit
 * waits, typed errors), with the private app's bearer token
 * (https://developers.hubspot.com/docs/api/private-apps). Search is a POST but reads
 * only, so retrying it is safe.
 */
export function createHubspotClient(options: HubspotClientOptions): HubspotClient {
  const { connection, http, logger } = options;
  const base = connection.baseUrl ?? HUBSPOT_BASE_URL;
  const host = new URL(base).host;
  const headers = { authorization: `Bearer ${connection.accessToken}` };

  async function search(objectType: string, body: Record<string, unknown>): Promise<SearchPage> {
    const path = `/crm/v3/objects/${encodeURIComponent(objectType)}/search`;
    const where = `POST ${host}${path}`;
    const response = await http.request({
      method: 'POST',
      url: `${base}${path}`,
      headers,
      body,
      label: where,
      mapError: hubspotErrorMapper(where, [connection.accessToken]),
    });
    options.onResponse?.(response.headers);
    return readSearchPage(response.data, where);
  }

  return {
    async count(objectType, filterGroups) {
      const page = await search(objectType, { filterGroups, properties: ['hs_object_id'], limit: 1 });
      logger?.debug({ objectType, total: page.total }, 'hubspot search count');
      return page.total;
    },

    async *pages(objectType, filterGroups, properties) {
      const seen = new Set<string>();
      let after: string | undefined;
      for (let number = 1; ; number += 1) {
        if (number > connection.maxPages) {
          throw new QueryError(
            `POST ${host}/crm/v3/objects/${objectType}/search: more than ${connection.maxPages} pages of ${MAX_LIMIT} records match; raise the connection's maxPages or narrow the query`,
          );
        }
        const page = await search(objectType, { filterGroups, properties, sorts: BY_ID, limit: MAX_LIMIT, ...(after === undefined ? {} : { after }) });
        if (number === 1 && page.total > MAX_RESULTS) {
          // HubSpot answers 400 past the 10,000th result; a partial sum would be stored as right.
          throw new QueryError(
            `POST ${host}/crm/v3/objects/${objectType}/search: ${page.total} records match and HubSpot's search returns at most ${MAX_RESULTS}; narrow the query`,
          );
        }
        logger?.debug({ objectType, page: number, records: page.results.length, total: page.total }, 'hubspot search page');
        yield page;
        if (page.after === undefined || page.results.length === 0) return;
        if (seen.has(page.after))
          throw new BadResponseError(`POST ${host}/crm/v3/objects/${objectType}/search: page ${number} handed back a cursor already followed`);
        seen.add(page.after);
        after = page.after;
      }
    },
  };
}
