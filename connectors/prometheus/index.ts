import { defineConnector, type RawValue, renderTemplate, usesWindow, windowsToQuery } from '../../src/sdk/index.ts';
import { createPrometheusClient } from './client.ts';
import { connectionSchema, querySchema, type PrometheusConnection, type PrometheusQuery } from './schema.ts';
import { evaluationOf, windowVariables } from './window.ts';

/**
 * Prometheus (and PromQL-compatible APIs): one instant query per period, evaluated at
 * the period's end (now for the current period), so the aggregation (a ratio, an
 * increase(), a histogram_quantile()) happens in Prometheus and one value costs one
 * request. A backfill asks the same query once per closed period.
 */
export default defineConnector<PrometheusConnection, PrometheusQuery>({
  type: 'prometheus',
  description: 'Prometheus PromQL: one instant query per period (availability, error rate, p95 latency, increase() over the period).',
  connectionSchema,
  querySchema,

  http: (connection) => ({ timeoutMs: connection.timeoutMs, allowLinkLocal: connection.allowLinkLocal }),
  backfill: 'per-period',
  // `[{{window.range}}]` (or any window placeholder) aggregates what happened in the period; a bare expression reads a level.
  measure: (query) => query.measure ?? (usesWindow(query.promql) ? 'flow' : 'snapshot'),

  async check(connection, ctx) {
    const client = createPrometheusClient({ connection, http: ctx.http, logger: ctx.logger });
    // The smallest query there is: proves the query API answers and accepts the credentials.
    await client.query('1', Date.now());
    const version = await client.version();
    const host = new URL(connection.baseUrl).host;
    return { detail: `PromQL query API at ${host} answered${version ? `; Prometheus ${version}` : ''}` };
  },

  async fetch(connection, query, ctx) {
    const client = createPrometheusClient({ connection, http: ctx.http, logger: ctx.logger });
    const values: RawValue[] = [];
    for (const window of windowsToQuery(ctx, connection.maxBackfillPeriods)) {
      const evaluation = evaluationOf(window, Date.now());
      if (evaluation === undefined) continue;
      const promql = renderTemplate(query.promql, windowVariables(window, evaluation));
      ctx.diagnostics.count('queries');
      const { outcome } = await client.query(promql, evaluation.timeMs);
      if (outcome.kind === 'value') {
        values.push({ value: outcome.value, at: window.start });
      } else {
        ctx.diagnostics.count('emptyResults');
        ctx.logger.debug({ period: window.start, whenEmpty: query.whenEmpty }, 'prometheus query gave an empty vector');
        if (query.whenEmpty === 'zero') values.push({ value: 0, at: window.start });
      }
    }
    return values;
  },
});
