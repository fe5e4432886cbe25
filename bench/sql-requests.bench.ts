import pg from 'pg';
import pino from 'pino';
import { closeIdleSessions } from '../connectors/sql/client.ts';
import sql from '../connectors/sql/index.ts';
import type { SyncWindow } from '../src/sdk/index.ts';
import { createTestContext } from '../src/sdk/testing/index.ts';
import { startPostgresServer } from '../tests/setup/postgres-server.ts';

/** Orders in the table: spread evenly over 2026. */
const ORDERS = 120_000;
const YEAR_MONTHS = 12;
const NOVEMBER: SyncWindow = { start: '2026-11-01T00:00:00.000+01:00', end: '2026-12-01T00:00:00.000+01:00', timeZone: 'Europe/Paris', interval: 'month' };
const YEAR: SyncWindow = { ...NOVEMBER, start: '2026-01-01T00:00:00.000+01:00', end: '2027-01-01T00:00:00.000+01:00' };
const WINDOW = 'created_at >= :window_start AND created_at < :window_end';
const QUERIES = {
  count: `SELECT count(*) FROM orders WHERE ${WINDOW}`,
  sum: `SELECT sum(amount) FROM orders WHERE ${WINDOW}`,
  rows: `SELECT date_trunc(:window_interval, created_at AT TIME ZONE :window_zone), count(*) FROM orders WHERE ${WINDOW} GROUP BY 1 ORDER BY 1`,
};
const ROUNDS = 20;

/**
 * Statements one sql KPI value costs, on a private Postgres holding ORDERS orders:
 * node-postgres's Client.query and connect are counted while the connector runs.
 * `kpiQueries` are the KPI's own statements; `roundTrips` add the read-only
 * transaction around each (BEGIN READ ONLY + SET LOCAL in one, ROLLBACK).
 * `copyEverythingRows` is what an extractor copying the table to count it would read.
 */
export async function run(): Promise<Record<string, unknown>> {
  const server = await startPostgresServer();
  const counted = { statements: 0, kpi: 0, connects: 0 };
  const { query, connect } = pg.Client.prototype;
  // The connector loads the same `pg` module, so its clients go through these.
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    counted.statements += 1;
    const config = args[0] as { queryMode?: string } | string;
    if (typeof config === 'object' && config.queryMode === 'extended') counted.kpi += 1;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  pg.Client.prototype.connect = function (this: pg.Client, ...args: unknown[]) {
    counted.connects += 1;
    return (connect as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof connect;
  try {
    const url = await server.createDatabase();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query('CREATE TABLE orders (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL, amount numeric(12, 2) NOT NULL)');
    await admin.query(
      `INSERT INTO orders (created_at, amount)
       SELECT timestamptz '2026-01-01 00:00:00+00' + (i * interval '1 year' / $1), (i % 100) / 4.0 FROM generate_series(0, $1 - 1) AS i`,
      [ORDERS],
    );
    await admin.query('CREATE INDEX ON orders (created_at)');
    await admin.query('ANALYZE orders');
    await admin.end();
    const connection = sql.connectionSchema.parse({ url });
    counted.statements = 0;
    counted.kpi = 0;
    counted.connects = 0;

    const measure = async (text: string, window: SyncWindow, rows: boolean, mode: 'current' | 'backfill') => {
      const before = { ...counted };
      const started = performance.now();
      const ctx = createTestContext({ window, mode, logger: pino({ level: 'silent' }) });
      const values = await sql.fetch(connection, sql.querySchema.parse({ sql: text, rows }), ctx);
      return {
        values,
        ms: performance.now() - started,
        kpi: counted.kpi - before.kpi,
        statements: counted.statements - before.statements,
        connects: counted.connects - before.connects,
      };
    };
    const count = await measure(QUERIES.count, NOVEMBER, false, 'current');
    const sum = await measure(QUERIES.sum, NOVEMBER, false, 'current');
    const rowsBackfill = await measure(QUERIES.rows, YEAR, true, 'backfill');
    const perPeriodBackfill = await measure(QUERIES.count, YEAR, false, 'backfill');
    if (rowsBackfill.values.length !== YEAR_MONTHS || perPeriodBackfill.values.length !== YEAR_MONTHS)
      throw new Error('sql bench: a year of months did not give 12 values');
    if (rowsBackfill.values.reduce((t, v) => t + v.value, 0) !== ORDERS) throw new Error('sql bench: the year does not add up to every order');
    const latencies: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) latencies.push((await measure(QUERIES.count, NOVEMBER, false, 'current')).ms);
    latencies.sort((a, b) => a - b);
    return {
      orders: ORDERS,
      countKpiQueriesPerValue: count.kpi,
      countRoundTripsPerValue: count.statements,
      sumKpiQueriesPerValue: sum.kpi,
      sumRoundTripsPerValue: sum.statements,
      rowsBackfillMonths: YEAR_MONTHS,
      rowsBackfillKpiQueries: rowsBackfill.kpi,
      rowsBackfillRoundTrips: rowsBackfill.statements,
      rowsBackfillKpiQueriesPerValue: Math.round((rowsBackfill.kpi / YEAR_MONTHS) * 1000) / 1000,
      perPeriodBackfillKpiQueries: perPeriodBackfill.kpi,
      perPeriodBackfillRoundTrips: perPeriodBackfill.statements,
      // The pool keeps its connection between values: one login for everything above.
      connectionsOpened: counted.connects,
      rowsReturnedPerValue: 1,
      copyEverythingRows: ORDERS,
      countMedianMs: Math.round(latencies[Math.floor(ROUNDS / 2)]! * 100) / 100,
    };
  } finally {
    pg.Client.prototype.query = query;
    pg.Client.prototype.connect = connect;
    await closeIdleSessions();
    await server.stop();
  }
}
