import type { ConnectorContext, RawValue, SyncWindow } from '../../src/sdk/index.ts';
import { guardBudget } from './budget.ts';
import { SalesforceClient } from './client.ts';
import { aggregateValues, RecordAggregator } from './map.ts';
import type { SalesforceConnection, SalesforceQuery } from './schema.ts';
import { renderSoql, type Period } from './soql.ts';
import { sharedState } from './state.ts';

/**
 * Reads one KPI. In `current` mode the window is one period: one query. A backfill
 * (`backfill: 'per-period'`) hands over one period at a time; a wider window (a backfill
 * run whole) is split with `ctx.periods()` and the same query runs once per period, the
 * `maxBackfillPeriods` most recent only, each answer stamped with its period's start.
 * The budget is checked before every period, so a long backfill stops (deferred) when
 * it reaches the budget instead of spending the org's allowance.
 */
export async function fetchKpi(connection: SalesforceConnection, query: SalesforceQuery, ctx: ConnectorContext): Promise<RawValue[]> {
  const state = sharedState(ctx.connectionState);
  const client = new SalesforceClient(connection, {
    http: ctx.http,
    logger: ctx.logger,
    baseDir: ctx.baseDir,
    state,
    diagnostics: ctx.diagnostics,
    kpi: ctx.kpi.id,
  });
  const periods = ctx.mode === 'backfill' ? recentPeriods(ctx, query.maxBackfillPeriods) : [ctx.window];
  const out: RawValue[] = [];
  for (const period of periods) {
    await guardBudget(state, connection.apiBudget, ctx.kpi.id, Date.now());
    out.push(...(await readPeriod(client, query, period, ctx)));
  }
  return out;
}

/**
 * The window's periods, keeping the `max` most recent: a backfill with no start date
 * spans every period since 1970, and each period costs one query. No cap is passed to
 * `ctx.periods`, because the older periods are skipped here rather than refused.
 */
function recentPeriods(ctx: ConnectorContext, max: number): SyncWindow[] {
  const all = ctx.periods(Number.POSITIVE_INFINITY);
  const kept = all.slice(Math.max(0, all.length - max));
  const skipped = all.length - kept.length;
  if (skipped > 0) {
    ctx.diagnostics.count('periodsSkipped', skipped);
    ctx.logger.warn(
      { skipped, kept: kept.length },
      `salesforce: backfill reads the ${kept.length} most recent periods; raise query.maxBackfillPeriods or pass a start date for more`,
    );
  }
  return kept;
}

async function readPeriod(client: SalesforceClient, query: SalesforceQuery, period: Period, ctx: ConnectorContext): Promise<RawValue[]> {
  const soql = renderSoql(query.soql, period, ctx.window.timeZone);
  const pages = client.query(soql, query.includeDeleted);
  if (query.aggregate === undefined) {
    // Aggregate SOQL answers in one page (2,000 groups at most per page; more would page on).
    const out: RawValue[] = [];
    for await (const page of pages) out.push(...aggregateValues(page, query, period.start));
    return out;
  }
  const grouped = query.dimensions !== undefined && query.dimensions.length > 0;
  if (query.aggregate === 'count' && !grouped) {
    // totalSize counts every matching record: no need for the pages after the first.
    for await (const page of pages) return [{ value: page.totalSize, at: period.start }];
  }
  const aggregator = new RecordAggregator(query);
  let pageCount = 0;
  for await (const page of pages) {
    pageCount += 1;
    aggregator.add(page.records);
  }
  ctx.diagnostics.count('pagesRead', pageCount);
  for (const { where, reason } of aggregator.rejected) ctx.diagnostics.reject(where, reason);
  return aggregator.values(period.start);
}
