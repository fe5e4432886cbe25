import {
  type ConnectorContext,
  defineConnector,
  type Measure,
  QueryError,
  type RawValue,
  type SyncWindow,
  usesWindow,
  windowsToQuery,
} from '../../src/sdk/index.ts';
import { createHubspotClient, type HubspotClient } from './client.ts';
import { dealsWonFilters, pipelineFilters, renderFilterGroups, windowMs, windowVariables } from './filters.ts';
import { readAmount } from './map.ts';
import { readHubspotRateLimit, readHubspotUsage } from './rate-limit.ts';
import { HUBSPOT_BASE_URL, connectionSchema, querySchema, type HubspotConnection, type HubspotQuery, type PipelineAmountQuery } from './schema.ts';

/**
 * HubSpot CRM: deals won (the search's `total`, one request), the amount of a pipeline's
 * open deals (paged, summed here) and a count of any object with the user's filters,
 * through `ctx.http` (not @hubspot/api-client, whose own HTTP stack would bypass the
 * runner's timeouts, abort signal, rate-limit handling and redaction).
 */
export default defineConnector<HubspotConnection, HubspotQuery>({
  type: 'hubspot',
  description: 'HubSpot CRM: deals won and counts via search total, open pipeline amount summed over the matching deals.',
  connectionSchema,
  querySchema,

  http: (connection) => ({ rateLimit: readHubspotRateLimit, timeoutMs: connection.timeoutMs, allowLinkLocal: connection.allowLinkLocal }),
  backfill: 'per-period',
  measure: measureOf,

  async check(connection, ctx) {
    const client = createHubspotClient({ connection, http: ctx.http, logger: ctx.logger });
    const deals = await client.count('deals', [{ filters: [{ propertyName: 'hs_object_id', operator: 'HAS_PROPERTY' }] }]);
    const host = new URL(connection.baseUrl ?? HUBSPOT_BASE_URL).host;
    return { detail: `token accepted at ${host}; deals readable (${deals} deals)` };
  },

  async fetch(connection, query, ctx) {
    const client = createHubspotClient({
      connection,
      http: ctx.http,
      logger: ctx.logger,
      onResponse: (headers) => {
        const usage = readHubspotUsage(headers);
        if (usage) ctx.diagnostics.apiUsage(usage.used, usage.limit);
      },
    });
    if (measureOf(query) === 'snapshot') {
      if (ctx.mode === 'backfill') {
        throw new QueryError(
          `this ${query.metric} query reads the CRM as it is now (no window in its filters); HubSpot keeps no history of it, so it cannot be backfilled`,
        );
      }
      return [{ value: await readValue(client, query, ctx.window, ctx) }];
    }
    const values: RawValue[] = [];
    for (const window of windowsToQuery(ctx, connection.maxBackfillPeriods)) {
      values.push({ value: await readValue(client, query, window, ctx), at: window.start });
    }
    return values;
  },
});

/** A flow counts or sums what happened in the window (its filters use the window); a snapshot reads the CRM as it is now. */
function measureOf(query: HubspotQuery): Measure {
  if (query.metric === 'deals_won') return 'flow';
  if (query.metric === 'pipeline_amount') return query.createdInWindow ? 'flow' : 'snapshot';
  return usesWindow(query.filterGroups) ? 'flow' : 'snapshot';
}

async function readValue(client: HubspotClient, query: HubspotQuery, window: SyncWindow, ctx: ConnectorContext): Promise<number> {
  if (query.metric === 'deals_won') return client.count('deals', dealsWonFilters(query, windowMs(window)));
  if (query.metric === 'count') return client.count(query.objectType, renderFilterGroups(query.filterGroups, windowVariables(window)));
  return sumAmount(client, query, window, ctx);
}

/** HubSpot search cannot sum: page the open deals 200 at a time and add up the amount property. */
async function sumAmount(client: HubspotClient, query: PipelineAmountQuery, window: SyncWindow, ctx: ConnectorContext): Promise<number> {
  let total = 0;
  let missing = 0;
  for await (const page of client.pages('deals', pipelineFilters(query, windowMs(window)), [query.amountProperty])) {
    ctx.diagnostics.count('dealsRead', page.results.length);
    for (const deal of page.results) {
      const amount = readAmount(deal.properties, query.amountProperty);
      if (amount.kind === 'number') total += amount.value;
      else if (amount.kind === 'missing') missing += 1;
      else ctx.diagnostics.reject(`deal ${deal.id}`, `${query.amountProperty} is ${amount.text}, not a number`);
    }
  }
  // Like SQL's SUM, deals without an amount add nothing; the count says how many.
  if (missing > 0) ctx.diagnostics.count('dealsWithoutAmount', missing);
  return total;
}
