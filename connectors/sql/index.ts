import { defineConnector, type RawValue, windowsToQuery } from '../../src/sdk/index.ts';
import { createSqlClient } from './client.ts';
import { rowValues, scalarValue } from './map.ts';
import { bindNamed, usesWindowBounds } from './placeholders.ts';
import { parameterValues } from './parameters.ts';
import { connectionSchema, querySchema, type SqlConnection, type SqlQuery } from './schema.ts';

/**
 * SQL databases: PostgreSQL, MySQL and MariaDB. The KPI's SQL does the aggregation
 * (one statement, one number per value), or with `rows: true` returns (instant,
 * value) rows so one statement reads a whole backfill. The window reaches the SQL
 * only as bind parameters. pg and mysql2 are loaded on the first query, never when
 * a config is validated.
 */
export default defineConnector<SqlConnection, SqlQuery>({
  type: 'sql',
  description: 'PostgreSQL, MySQL and MariaDB: one read-only SQL statement per value, or (instant, value) rows for a one-pass backfill.',
  connectionSchema,
  querySchema,

  // The strategy is the connector's, not the query's: `rows: true` reads the whole
  // window in one statement; a single-number query is run once per period of it.
  backfill: 'one-pass',
  // A query bounded by the window adds up what happened in it; one without reads a level now.
  measure: (query) => (usesWindowBounds(query.sql) ? 'flow' : 'snapshot'),

  async check(connection, ctx) {
    const { checkConnection } = await import('./check.ts');
    return checkConnection(connection, ctx);
  },

  async fetch(connection, query, ctx) {
    const client = createSqlClient({ settings: connection, baseDir: ctx.baseDir, signal: ctx.signal, logger: ctx.logger });
    const bound = bindNamed(query.sql, client.target.dialect);
    const windows = query.rows
      ? [ctx.window]
      : windowsToQuery(
          ctx,
          connection.maxBackfillPeriods,
          `give the backfill a later --from, raise the connection's maxBackfillPeriods (${connection.maxBackfillPeriods}), or use rows: true`,
        );
    const values: RawValue[] = [];
    await client.session(async (run) => {
      for (const window of windows) {
        const result = await run(bound.text, parameterValues(bound.names, window, client.target.dialect));
        ctx.diagnostics.count('queries');
        ctx.diagnostics.count('rowsRead', result.rows.length);
        if (query.rows) {
          const reading = rowValues(result, window, query.whenNull);
          for (const reject of reading.rejects) ctx.diagnostics.reject(reject.row, reject.reason);
          if (reading.outside > 0) {
            ctx.diagnostics.count('rowsOutsideWindow', reading.outside);
            ctx.logger.debug({ rows: reading.outside, window: [window.start, window.end] }, 'sql rows outside the window left out');
          }
          values.push(...reading.values);
        } else {
          const value = scalarValue(result, query.whenNull);
          if (value) values.push(value.approximate ? { value: value.value, at: window.start, approximate: true } : { value: value.value, at: window.start });
        }
      }
    });
    return values;
  },
});
