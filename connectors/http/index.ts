import {
  type ConnectorContext,
  defineConnector,
  QueryError,
  type RawValue,
  type SyncWindow,
  toKsError,
  usesWindow,
  windowsToQuery,
} from '../../src/sdk/index.ts';
import { createSource, renderRequest } from './client.ts';
import { compileJsonata, compileJsonPath, type Expression } from './expression.ts';
import { combine } from './map.ts';
import { collect, type Collected } from './paging.ts';
import { readRateLimit } from './rate-limit.ts';
import { connectionSchema, querySchema, type HttpConnection, type HttpQuery } from './schema.ts';
import { windowVariables } from './template.ts';

/**
 * Any JSON API: a request templated with the period's bounds, a JSONPath or JSONata
 * expression picking a number (or a series of points) from the answer, optional paging
 * whose pages are combined by an aggregate. One request per value when the API
 * aggregates itself; one per page when it cannot.
 */
export default defineConnector<HttpConnection, HttpQuery>({
  type: 'http',
  description: 'Any JSON API: a templated GET or POST, a JSONPath or JSONata expression picking the number, optional paging.',
  connectionSchema,
  querySchema,

  http: (connection) => ({ rateLimit: readRateLimit, timeoutMs: connection.timeoutMs, allowLinkLocal: connection.allowLinkLocal }),
  backfill: 'per-period',
  // A request that names the window's bounds counts what happened in it; one that does not reads a level now.
  measure: (query) => query.measure ?? (usesWindow([query.path, query.params, query.headers, query.body]) ? 'flow' : 'snapshot'),

  async check(connection, ctx) {
    const source = createSource({ connection, http: ctx.http, state: ctx.connectionState, logger: ctx.logger });
    const url = `${connection.baseUrl}${connection.checkPath ?? ''}`;
    const where = `GET ${source.describe(url)}`;
    const oauth = connection.auth.type === 'oauth2' ? 'an OAuth token was issued; ' : '';
    try {
      const response = await source.send({ method: 'GET', url, headers: {} }, 'text');
      return { detail: `${oauth}${where} answered ${response.status} with the credentials` };
    } catch (error) {
      // Another 4xx proves the host answers but not that the credentials work: say so rather than fail.
      if (toKsError(error).code !== 'KS_ERR_QUERY') throw error;
      const answered = /^[^→]*→ [^:]*/.exec((error as Error).message)?.[0] ?? where;
      return { detail: `${oauth}${answered}; the host answers, but this path does not prove the credentials: set checkPath to an endpoint that needs them` };
    }
  },

  async fetch(connection, query, ctx) {
    const source = createSource({ connection, http: ctx.http, state: ctx.connectionState, logger: ctx.logger });
    const picker = compilePicker(query);
    const values: RawValue[] = [];
    for (const window of windowsToQuery(ctx, connection.maxBackfillPeriods)) {
      const request = renderRequest(connection, query, windowVariables(window));
      const collected = await collect(source, request, query, picker);
      ctx.diagnostics.count('requests', collected.pages);
      values.push(...toValues(collected, query, window, picker, ctx));
    }
    return values;
  },
});

function compilePicker(query: HttpQuery): Expression {
  if (query.pick.jsonata !== undefined) return compileJsonata(query.pick.jsonata, 'pick.jsonata');
  return compileJsonPath(query.pick.jsonpath ?? '', 'pick.jsonpath');
}

/**
 * What one period's pages picked → its values: one number (several combined by the
 * aggregate), or the points inside the period, each at its own instant.
 */
function toValues(collected: Collected, query: HttpQuery, window: SyncWindow, picker: Expression, ctx: ConnectorContext): RawValue[] {
  const pages = collected.pages > 1 ? ` across ${collected.pages} pages` : '';
  if (collected.points.length > 0) {
    if (query.aggregate !== undefined) {
      throw new QueryError(
        `${picker.source} picked (instant, value) points, which aggregate does not apply to; remove it (the KPI's normalize.aggregate combines points per period)`,
      );
    }
    const start = Date.parse(window.start);
    const end = Date.parse(window.end);
    const inside = collected.points.filter((p) => Date.parse(p.at) >= start && Date.parse(p.at) < end);
    if (inside.length < collected.points.length) ctx.diagnostics.count('pointsOutsideWindow', collected.points.length - inside.length);
    return inside.map((p) => ({ value: p.value, at: p.at }));
  }
  if (query.aggregate === undefined) {
    if (collected.numbers.length === 1) return [{ value: collected.numbers[0]!, at: window.start }];
    if (collected.numbers.length === 0) {
      throw new QueryError(
        `${picker.source} matched nothing in the response${pages}; check the expression against a real answer, or set an aggregate (a sum or count of nothing is 0)`,
      );
    }
    throw new QueryError(
      `${picker.source} picked ${collected.numbers.length} numbers${pages}; set aggregate (sum, count, avg, min, max or last) to combine them`,
    );
  }
  const value = combine(collected.numbers, query.aggregate);
  if (value === undefined) {
    ctx.diagnostics.count('emptyResults');
    return [];
  }
  return [{ value, at: window.start }];
}
