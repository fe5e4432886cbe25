import { type ConnectorContext, defineConnector, type RawValue, usesWindow, windowsToQuery } from '../../src/sdk/index.ts';
import { createIntercomClient, intercomBaseUrl, type IntercomClient } from './client.ts';
import { Aggregator, describeAdmin, recordLabel, valueAt } from './map.ts';
import { renderQuery, windowVariables } from './query-template.ts';
import { readIntercomRateLimit, readIntercomUsage } from './rate-limit.ts';
import { connectionSchema, MAX_PER_PAGE, querySchema, type IntercomConnection, type IntercomQuery } from './schema.ts';
import type { SearchQuery } from './search-query.schema.ts';

/**
 * Intercom: counts and aggregates over conversations, contacts and tickets through the
 * search endpoints. A count is one request (`total_count` of a one-record page); sum,
 * avg, min and max page through the matches, 150 records a page. Search cannot group
 * by date, so a backfill reads period by period.
 */
export default defineConnector<IntercomConnection, IntercomQuery>({
  type: 'intercom',
  description: 'Intercom conversations, contacts and tickets: counts via search total_count, sums and averages over a record field.',
  connectionSchema,
  querySchema,

  http: (connection) => ({ rateLimit: readIntercomRateLimit, timeoutMs: connection.timeoutMs, allowLinkLocal: connection.allowLinkLocal }),
  backfill: 'per-period',
  // A query with {{window.*}} counts or sums what happened in the period; one without reads a level now.
  measure: (query) => (usesWindow(query) ? 'flow' : 'snapshot'),

  async check(connection, ctx) {
    const client = createIntercomClient({ connection, http: ctx.http, logger: ctx.logger });
    const admin = await client.me();
    const host = new URL(intercomBaseUrl(connection)).host;
    return { detail: `authenticated as ${describeAdmin(admin)} at ${host}; Intercom-Version ${connection.version}` };
  },

  async fetch(connection, query, ctx) {
    const client = createIntercomClient({
      connection,
      http: ctx.http,
      logger: ctx.logger,
      onResponse: (headers) => {
        const usage = readIntercomUsage(headers);
        if (usage) ctx.diagnostics.apiUsage(usage.used, usage.limit);
      },
    });
    const values: RawValue[] = [];
    for (const window of windowsToQuery(ctx, connection.maxBackfillPeriods)) {
      const rendered = renderQuery(query.query, windowVariables(window));
      const value = await readValue(client, query, rendered, ctx);
      if (value !== undefined) values.push({ value, at: window.start });
    }
    return values;
  },
});

/** One number for one window; undefined when an avg, min or max has no record to work on. */
async function readValue(client: IntercomClient, query: IntercomQuery, rendered: SearchQuery, ctx: ConnectorContext): Promise<number | undefined> {
  if (query.aggregate === 'count' || query.field === undefined) return client.count(query.object, rendered);
  const aggregator = new Aggregator(query.aggregate);
  let position = 0;
  let missing = 0;
  for await (const page of client.pages(query.object, rendered, MAX_PER_PAGE)) {
    ctx.diagnostics.count('recordsRead', page.items.length);
    for (const record of page.items) {
      position += 1;
      const value = valueAt(record, query.field);
      if (value === undefined || value === null) {
        missing += 1;
      } else if (typeof value === 'number' && Number.isFinite(value)) {
        aggregator.add(value);
      } else {
        ctx.diagnostics.reject(recordLabel(record, query.object, position), `${query.field} is ${JSON.stringify(value).slice(0, 40)}, not a number`);
      }
    }
  }
  // Like SQL aggregates, records without the field are left out; the count says how many.
  if (missing > 0) ctx.diagnostics.count('recordsWithoutField', missing);
  return aggregator.result();
}
