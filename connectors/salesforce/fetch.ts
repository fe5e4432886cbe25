import type { ConnectorContext, RawValue } from '../../src/sdk/index.ts';
import { guardBudget } from './budget.ts';
import { SalesforceClient } from './client.ts';
import { aggregateValues, RecordAggregator } from './map.ts';
import { periodsIn } from './periods.ts';
import type { SalesforceConnection, SalesforceQuery } from './schema.ts';
import { renderSoql, type Period } from './soql.ts';

/**
 * Reads one KPI. In `current` mode the window is one period: one query. In `backfill`
 * mode the runner passes one wide window, and the same query runs once per period in
 * it (at most `maxBackfillPeriods`, the most recent), each answer stamped with its
 * period's start. The budget is checked before every period, so a long backfill stops
 * (deferred) when it reaches the budget instead of spending the org's allowance.
 */
export async function fetchKpi(connection: SalesforceConnection, query: SalesforceQuery, ctx: ConnectorContext): Promise<RawValue[]> {
  const client = new SalesforceClient(connection, {
    http: ctx.http,
    logger: ctx.logger,
    baseDir: ctx.baseDir,
    diagnostics: ctx.diagnostics,
    kpi: ctx.kpi.id,
  });
  let periods: Period[] = [{ start: ctx.window.start, end: ctx.window.end }];
  if (ctx.mode === 'backfill') {
    const span = periodsIn(ctx.window, (instant) => ctx.periodOf(instant), query.maxBackfillPeriods);
    periods = span.periods;
    if (span.skipped > 0) {
      ctx.diagnostics.count('periodsSkipped', span.skipped);
      ctx.logger.warn(
        { skipped: span.skipped, kept: periods.length },
        `salesforce: backfill reads the ${periods.length} most recent periods; raise query.maxBackfillPeriods or pass a start date for more`,
      );
    }
  }
  const out: RawValue[] = [];
  for (const period of periods) {
    guardBudget(client.state, connection.apiBudget, ctx.kpi.id, Date.now());
    out.push(...(await readPeriod(client, query, period, ctx)));
  }
  return out;
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
