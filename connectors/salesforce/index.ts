/**
 * Salesforce: KPIs from SOQL. An aggregate SOQL (`SELECT SUM(Amount) total ...`,
 * `SELECT COUNT() ...`) costs one request per value; a plain SOQL is aggregated
 * client-side, paging through nextRecordsUrl. See README.md for every setting.
 */
import { defineConnector, usesWindow } from '../../src/sdk/index.ts';
import { checkConnection } from './check.ts';
import { fetchKpi } from './fetch.ts';
import { connectionSchema, querySchema, type SalesforceConnection, type SalesforceQuery } from './schema.ts';

export default defineConnector<SalesforceConnection, SalesforceQuery>({
  type: 'salesforce',
  description: 'Salesforce: aggregate SOQL pushed down to the org (OAuth 2.0 refresh token, JWT bearer, client credentials or password).',
  connectionSchema,
  querySchema,
  check: checkConnection,
  fetch: fetchKpi,
  // One query per period: SOQL filters on the window's dates, it does not group by the KPI's periods.
  backfill: 'per-period',
  // A query with {{window.*}} counts or sums what happened in the period; one without reads a level now.
  measure: (query) => (usesWindow(query) ? 'flow' : 'snapshot'),
  // No rate-limit reader: Salesforce sends no short-window limit headers. Its limit is the
  // rolling 24-hour allowance in Sforce-Limit-Info, which has no reset time to wait for;
  // the connector defers runs against `apiBudget` instead (budget.ts).
  http: (connection) => ({ timeoutMs: Math.round(connection.timeoutSeconds * 1000), allowLinkLocal: connection.allowLinkLocal }),
});
