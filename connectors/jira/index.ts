import { ConfigError, defineConnector, type ConnectorContext, type RawValue, usesWindow } from '../../src/sdk/index.ts';
import { checkJira } from './check.ts';
import { jiraApi, type JiraApi } from './client.ts';
import { hasPlaceholders, renderJql } from './jql.ts';
import { toRawValues } from './map.ts';
import { readJiraRateLimit } from './rate-limit.ts';
import { connectionSchema, querySchema, type JiraConnection, type JiraQuery } from './schema.ts';

/**
 * Jira Cloud and Data Center. A count costs one request (Cloud's approximate count,
 * Data Center's search total); sum and avg page through the matching issues asking
 * for the one field. Jira cannot count per period in one search, so a backfill reads
 * period by period: a window of several periods is split with `ctx.periods()` and the
 * query runs once per period, each value stamped with its period's start.
 */
export default defineConnector<JiraConnection, JiraQuery>({
  type: 'jira',
  description: 'Jira Cloud (API token or OAuth 2.0) and Data Center (personal access token): issue counts and numeric field sums over JQL.',
  connectionSchema,
  querySchema,
  http: (connection) => ({
    rateLimit: readJiraRateLimit,
    ...(connection.timeoutMs === undefined ? {} : { timeoutMs: connection.timeoutMs }),
    allowLinkLocal: connection.allowLinkLocal,
  }),
  check: checkJira,
  backfill: 'per-period',
  // A query with {{window.*}} counts or sums what happened in the period; one without reads a level now.
  measure: (query) => (usesWindow(query) ? 'flow' : 'snapshot'),
  async fetch(connection, query, ctx) {
    const api = jiraApi(connection, ctx.http, ctx.connectionState, () => ctx.diagnostics.count('apiCalls'));
    const periods = ctx.mode === 'backfill' ? ctx.periods() : [ctx.window];
    const templated = hasPlaceholders(query.jql);
    if (!templated && periods.length > 1) {
      throw new ConfigError('this JQL has no {{window.start}} / {{window.end}}: it measures now, so past periods cannot be backfilled from it');
    }
    const zone = templated ? await api.jqlTimeZone() : undefined;
    const field = query.metric === 'count' ? undefined : await api.field(query.field);
    const out: RawValue[] = [];
    for (const period of periods) {
      const jql = zone === undefined ? query.jql : renderJql(query.jql, period, zone);
      out.push(...(await valueFor(api, query, jql, period.start, field?.id, ctx)));
    }
    return out;
  },
});

async function valueFor(api: JiraApi, query: JiraQuery, jql: string, at: string, fieldId: string | undefined, ctx: ConnectorContext): Promise<RawValue[]> {
  if (query.metric === 'count') {
    const counted = await api.count(jql, query.exact);
    ctx.logger.debug({ at, count: counted.count, approximate: counted.approximate }, 'jira count');
    return toRawValues('count', at, counted);
  }
  const tally = await api.tallyField(jql, fieldId as string);
  for (const { key, reason } of tally.rejected) ctx.diagnostics.reject(key, reason);
  ctx.logger.debug({ at, field: fieldId, issues: tally.counted, withoutValue: tally.empty, rejected: tally.rejected.length }, `jira ${query.metric}`);
  return toRawValues(query.metric, at, tally);
}
