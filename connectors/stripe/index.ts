import { defineConnector, QueryError, type RawValue, windowsToQuery } from '../../src/sdk/index.ts';
import { createStripeClient } from './client.ts';
import { readFlow, readMrr } from './metrics.ts';
import { STRIPE_BASE_URL, connectionSchema, querySchema, type StripeConnection, type StripeQuery } from './schema.ts';

/**
 * Stripe: MRR, new and churned subscriptions, and revenue, read with plain GETs through
 * `ctx.http` (not the stripe npm package, whose own HTTP stack would bypass the runner's
 * timeouts, abort signal, rate-limit handling and redaction). Amounts are in the
 * currency's smallest unit (cents); a KPI turns them into units with `normalize.scale`.
 */
export default defineConnector<StripeConnection, StripeQuery>({
  type: 'stripe',
  description: 'Stripe subscriptions and payments: MRR, new and churned subscriptions, revenue, in the smallest currency unit.',
  connectionSchema,
  querySchema,

  // Stripe sends no budget headers; a 429 is retried with backoff, honouring Retry-After when present.
  http: (connection) => ({ timeoutMs: connection.timeoutMs, allowLinkLocal: connection.allowLinkLocal }),
  backfill: 'per-period',
  // MRR is a level read now; the others add up what happened during the window.
  measure: (query) => (query.metric === 'mrr' ? 'snapshot' : 'flow'),

  async check(connection, ctx) {
    const client = createStripeClient({ connection, http: ctx.http, logger: ctx.logger });
    await client.listPage('/v1/subscriptions', { limit: 1 });
    const mode = /^(sk|rk)_live_/.test(connection.secretKey) ? 'live' : /^(sk|rk)_test_/.test(connection.secretKey) ? 'test' : 'unknown';
    const host = new URL(connection.baseUrl ?? STRIPE_BASE_URL).host;
    return { detail: `key accepted at ${host} (${mode} mode); subscriptions readable; Stripe-Version ${connection.apiVersion}` };
  },

  async fetch(connection, query, ctx) {
    const client = createStripeClient({ connection, http: ctx.http, logger: ctx.logger });
    if (query.metric === 'mrr') {
      if (ctx.mode === 'backfill') {
        throw new QueryError('mrr reads the subscriptions live now; Stripe keeps no history of it, so it cannot be backfilled');
      }
      return [{ value: await readMrr(client, query, ctx) }];
    }
    const values: RawValue[] = [];
    for (const window of windowsToQuery(ctx, connection.maxBackfillPeriods)) {
      values.push({ value: await readFlow(client, connection, query, window, ctx.diagnostics, Date.now()), at: window.start });
    }
    return values;
  },
});
