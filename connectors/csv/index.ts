import { defineConnector, type Connector } from '../../src/sdk/index.ts';
import { checkCsv, type CsvReadOptions } from './read.ts';
import { scanKey, SharedScans } from './shared-scan.ts';
import { connectionSchema, querySchema, type CsvConnection, type CsvQuery } from './schema.ts';

/**
 * The CSV connector: a local file, a file in a local folder, or a URL, streamed and
 * aggregated per KPI period in one pass, shared by every KPI that reads the same
 * source in the same tick. See README.md for every setting.
 */
export function createCsvConnector(options: CsvReadOptions = {}): Connector<CsvConnection, CsvQuery> {
  const scans = new SharedScans(options);
  return defineConnector({
    type: 'csv',
    description: 'CSV files (local file, folder or URL): sum, avg, min, max, count, count_distinct or last of a column per period.',
    connectionSchema,
    querySchema,
    // A file is read whole, and every period in it comes out of that one pass.
    backfill: 'one-pass',
    // `last` reads a level (a balance, a head count); every other aggregate adds up the period's rows.
    measure: (query) => (query.value.aggregate === 'last' ? 'snapshot' : 'flow'),
    check: (connection, ctx) => checkCsv(connection, ctx, options),
    http: (connection) => ({ allowLinkLocal: connection.allowLinkLocal }),
    // KPIs reading the same file (or URL) in one tick share one scan (shared-scan.ts).
    shareKey: (connection, query) => scanKey(connection, query, ''),
    fetch: (connection, query, ctx) => scans.read(connection, query, ctx),
  });
}

export default createCsvConnector();

export type { CsvConnection, CsvQuery } from './schema.ts';
export type { CsvReadOptions } from './read.ts';
