import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sql from '../../connectors/sql/index.ts';
import { createTestContext } from '../../src/sdk/testing/index.ts';
import { NOVEMBER_UTC, READER, startMariaDbFixture, WRITER, type MariaDbFixture } from '../helpers/sql-servers.ts';
import { defineSqlScenarios } from './sql-scenarios.ts';

/** The sql connector (dialect mysql) on a private MariaDB (tests/setup/mariadb-server.ts). */

let my: MariaDbFixture;

// Installing MariaDB (first run on a fresh machine) takes longer than a hook may.
beforeAll(async () => {
  my = await startMariaDbFixture();
}, 600_000);

afterAll(async () => {
  await my?.stop();
});

const number = (rows: unknown[]) => Number(Object.values((rows[0] ?? {}) as Record<string, unknown>)[0]);

defineSqlScenarios('MariaDB', () => ({
  connection: (user, extra = {}) => ({ dialect: 'mysql', host: '127.0.0.1', port: my.port, database: my.database, ...user, ...extra }),
  sql: {
    // created_at is a TIMESTAMP: the session is in UTC, so it compares with the UTC wall times.
    count: 'SELECT COUNT(*) FROM orders WHERE created_at >= :window_start_utc AND created_at < :window_end_utc',
    sum: 'SELECT SUM(amount) FROM orders WHERE created_at >= :window_start_utc AND created_at < :window_end_utc',
    sumLocal: 'SELECT SUM(amount) FROM orders WHERE created_local >= :window_start AND created_local < :window_end',
    countDays: 'SELECT COUNT(*) FROM orders WHERE day >= :window_start AND day < :window_end',
    sumUtcWall: 'SELECT SUM(amount) FROM orders WHERE created_utc >= :window_start_utc AND created_utc < :window_end_utc',
    rowsByMonth: `SELECT DATE_FORMAT(created_local, '%Y-%m-01') AS month, COUNT(*)
                    FROM orders WHERE created_local >= :window_start AND created_local < :window_end GROUP BY month ORDER BY month`,
    insert: 'INSERT INTO orders (created_utc, created_local, day, amount) VALUES (NOW(), NOW(), CURDATE(), 1)',
    twoStatements: 'SELECT 1; DELETE FROM orders',
    sleep: (seconds, marker) => `SELECT SLEEP(${seconds}) + 0 * LENGTH('${marker}')`,
    // SLEEP() would notice the closed socket by itself; BENCHMARK() burns CPU until killed.
    longRunning: (marker) => `SELECT BENCHMARK(2000000000, MD5('${marker}'))`,
  },
  countOrders: async () => number(await my.admin(`SELECT COUNT(*) FROM ${my.database}.orders`)),
  running: async (marker) =>
    number(await my.admin("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE CONCAT('%', ?, '%')", [marker])),
  sessionsOf: async (user) => number(await my.admin('SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = ?', [user])),
  writable: { user: WRITER, says: /INSERT on `t_[0-9a-f]+`\.\*/ },
}));

describe('sql connector on MariaDB: an interrupted BENCHMARK()', () => {
  it('is not taken as a value: it returns 0 when the statement limit stops it, which the client refuses', async () => {
    const settings = sql.connectionSchema.parse({
      dialect: 'mysql',
      host: '127.0.0.1',
      port: my.port,
      database: my.database,
      ...READER,
      statementTimeoutMs: 300,
    });
    const query = sql.querySchema.parse({ sql: "SELECT BENCHMARK(2000000000, MD5('x'))" });
    const error = await sql.fetch(settings, query, createTestContext({ window: NOVEMBER_UTC })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KS_ERR_TRANSIENT', retryable: true });
    expect((error as Error).message).toContain('the whole statementTimeoutMs (300 ms): the server may have cut it short');
  });
});
