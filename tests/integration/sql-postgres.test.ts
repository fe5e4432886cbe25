import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sql from '../../connectors/sql/index.ts';
import { createCheckContext, createTestContext } from '../../src/sdk/testing/index.ts';
import { NOVEMBER_PARIS, expected, READER, startPostgresFixture, type PostgresFixture } from '../helpers/sql-servers.ts';
import { defineSqlScenarios } from './sql-scenarios.ts';

/** The sql connector on a private PostgreSQL (tests/setup/postgres-server.ts), serving TLS too. */

let pg: PostgresFixture;

// Installing PostgreSQL (first run on a fresh machine) takes longer than a hook may.
beforeAll(async () => {
  pg = await startPostgresFixture({ tls: true });
}, 600_000);

afterAll(async () => {
  await pg?.stop();
});

const WINDOW = 'created_at >= :window_start AND created_at < :window_end';

defineSqlScenarios('PostgreSQL', () => ({
  connection: (user, extra = {}) => ({ dialect: 'postgres', host: '127.0.0.1', port: pg.port, database: pg.database, ...user, ...extra }),
  sql: {
    count: `SELECT count(*) FROM orders WHERE ${WINDOW}`,
    sum: `SELECT sum(amount) FROM orders WHERE ${WINDOW}`,
    sumLocal: 'SELECT sum(amount) FROM orders WHERE created_local >= :window_start AND created_local < :window_end',
    countDays: 'SELECT count(*) FROM orders WHERE day >= :window_start::date AND day < :window_end::date',
    sumUtcWall: 'SELECT sum(amount) FROM orders WHERE created_utc >= :window_start_utc AND created_utc < :window_end_utc',
    rowsByMonth: `SELECT date_trunc(:window_interval, created_at AT TIME ZONE :window_zone) AS month, count(*)
                    FROM orders WHERE ${WINDOW} GROUP BY 1 ORDER BY 1`,
    insert: `WITH added AS (INSERT INTO orders (created_at, created_utc, created_local, day, amount)
               VALUES (now(), now(), now(), now(), 1) RETURNING 1) SELECT count(*) FROM added`,
    twoStatements: 'SELECT 1; DELETE FROM orders',
    sleep: (seconds, marker) => `SELECT count(*) FROM pg_sleep(${seconds}) WHERE '${marker}' <> ''`,
    // Postgres does not notice a closed socket while pg_sleep runs: only a cancel stops it.
    longRunning: (marker) => `SELECT count(*) FROM pg_sleep(60) WHERE '${marker}' <> ''`,
  },
  countOrders: async () => Number((await pg.admin('SELECT count(*) FROM orders'))[0]![0]),
  running: async (marker) =>
    Number(
      (
        await pg.admin("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND query LIKE '%' || $1 || '%'", [marker])
      )[0]![0],
    ),
  sessionsOf: async (user) => Number((await pg.admin('SELECT count(*) FROM pg_stat_activity WHERE usename = $1', [user]))[0]![0]),
  writable: { user: { user: 'postgres', password: 'trusted-anyway' }, says: /is a superuser/ },
}));

describe('sql connector on PostgreSQL: TLS', () => {
  const settings = (extra: Record<string, unknown>) =>
    sql.connectionSchema.parse({ dialect: 'postgres', host: 'localhost', port: pg.port, database: pg.database, ...READER, ...extra });

  it('verify-full with the CA that signed the certificate reads the value over TLS', async () => {
    const values = await sql.fetch(
      settings({ ssl: 'verify-full', sslCa: pg.caFile }),
      sql.querySchema.parse({ sql: `SELECT count(*) FROM orders WHERE ${WINDOW}` }),
      createTestContext({ window: NOVEMBER_PARIS }),
    );
    expect(values[0]?.value).toBe(expected(NOVEMBER_PARIS).count);
    expect((await sql.check(settings({ ssl: 'verify-full', sslCa: pg.caFile }), createCheckContext())).detail).toContain('TLS verify-full');
  });

  it('verify-full without that CA refuses the certificate with a ConfigError saying what to set', async () => {
    const error = await sql.check(settings({ ssl: 'verify-full' }), createCheckContext()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KS_ERR_CONFIG' });
    expect((error as Error).message).toContain('sslCa');
  });

  it('require encrypts without checking the certificate; a CA path relative to the config folder is read from there', async () => {
    expect((await sql.check(settings({ ssl: 'require' }), createCheckContext())).detail).toContain('TLS require');
    const folder = pg.caFile!.replace(/\/[^/]+$/, '');
    expect((await sql.check(settings({ ssl: 'verify-full', sslCa: 'ca.pem' }), createCheckContext({ baseDir: folder }))).detail).toContain('TLS verify-full');
  });

  it('a CA file that cannot be read is a ConfigError naming it', async () => {
    const error = await sql.check(settings({ ssl: 'verify-full', sslCa: '/nonexistent/ca.pem' }), createCheckContext()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KS_ERR_CONFIG', message: expect.stringContaining('sslCa /nonexistent/ca.pem cannot be read (ENOENT)') });
  });
});
