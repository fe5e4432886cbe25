import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeIdleSessions } from '../../../connectors/sql/client.ts';
import sql from '../../../connectors/sql/index.ts';
import { capturedLogger, createCheckContext, createTestContext } from '../../../src/sdk/testing/index.ts';
import {
  NOVEMBER_UTC,
  READER,
  startMariaDbFixture,
  startPostgresFixture,
  WRONG_PASSWORD,
  type MariaDbFixture,
  type PostgresFixture,
} from '../../helpers/sql-servers.ts';

/**
 * Passwords never reach errors or logs, also when a server's message quotes them
 * back, when they travel inside a `url` (as written and percent-encoded), or when
 * the login fails. Real servers: the drivers' own error objects are what is scrubbed.
 */

let pg: PostgresFixture;
let my: MariaDbFixture;

beforeAll(async () => {
  [pg, my] = await Promise.all([startPostgresFixture(), startMariaDbFixture()]);
}, 600_000);

afterAll(async () => {
  await closeIdleSessions();
  await Promise.all([pg?.stop(), my?.stop()]);
});

/** Everything a thrown error shows once a runner logs it (pino's err serializer walks message, stack, props and cause). */
function shown(error: unknown, logs: string[]): string {
  const log = capturedLogger();
  log.logger.error({ err: error }, `sync failed: ${String(error)}`);
  const err = error as Error;
  return [
    err.message,
    String(err),
    JSON.stringify(err),
    err.stack ?? '',
    JSON.stringify(err.cause ?? null),
    (err.cause as Error | undefined)?.stack ?? '',
    ...log.lines,
    ...logs,
  ].join('\n');
}

function expectNoSecret(text: string, secrets: string[]): void {
  for (const secret of secrets) {
    expect(text.includes(secret), `a credential appeared: …${secret.slice(0, 3)}`).toBe(false);
    expect(text.includes(encodeURIComponent(secret)), `a percent-encoded credential appeared: …${secret.slice(0, 3)}`).toBe(false);
  }
}

const dialects = () => [
  {
    name: 'postgres',
    settings: (password: string) => ({ url: `postgres://${READER.user}:${encodeURIComponent(password)}@127.0.0.1:${pg.port}/${pg.database}` }),
  },
  {
    name: 'mariadb',
    settings: (password: string) => ({ dialect: 'mysql', host: '127.0.0.1', port: my.port, database: my.database, user: READER.user, password }),
  },
];

describe('sql: credentials appear in no error or log line', () => {
  it('a refused login (wrong password), from fetch and check', async () => {
    for (const { name, settings } of dialects()) {
      const connection = sql.connectionSchema.parse(settings(WRONG_PASSWORD));
      const log = capturedLogger();
      const ctx = createTestContext({ window: NOVEMBER_UTC, logger: log.logger });
      const fetched = await sql.fetch(connection, sql.querySchema.parse({ sql: 'SELECT 1' }), ctx).catch((e: unknown) => e);
      expect(fetched, name).toMatchObject({ code: 'KS_ERR_AUTH' });
      const checked = await sql.check(connection, createCheckContext({ logger: log.logger })).catch((e: unknown) => e);
      expect(checked, name).toMatchObject({ code: 'KS_ERR_AUTH' });
      expectNoSecret(shown(fetched, log.lines) + shown(checked, []), [WRONG_PASSWORD, JSON.stringify(settings(WRONG_PASSWORD))]);
    }
  });

  it("a server error message that quotes the password back (here: the query's own literal)", async () => {
    for (const { name, settings } of dialects()) {
      const connection = sql.connectionSchema.parse(settings(READER.password));
      // Postgres: invalid input syntax for type integer: "<password>"; MariaDB: unknown column named like it.
      const text = name === 'postgres' ? `SELECT '${READER.password}'::int` : `SELECT \`${READER.password}\``;
      const error = await sql.fetch(connection, sql.querySchema.parse({ sql: text }), createTestContext({ window: NOVEMBER_UTC })).catch((e: unknown) => e);
      expect(error, name).toMatchObject({ code: 'KS_ERR_QUERY' });
      expect((error as Error).message, name).toContain('***');
      expectNoSecret(shown(error, []), [READER.password]);
    }
  });

  it('a refused connection, an abort and a timeout name the server, never the url', async () => {
    const url = `postgres://${READER.user}:${encodeURIComponent(READER.password)}@127.0.0.1:${pg.port}/${pg.database}`;
    const connection = sql.connectionSchema.parse({ url, statementTimeoutMs: 200 });
    const timedOut = await sql
      .fetch(connection, sql.querySchema.parse({ sql: 'SELECT count(*) FROM pg_sleep(5)' }), createTestContext({ window: NOVEMBER_UTC }))
      .catch((e: unknown) => e);
    expect(timedOut).toMatchObject({ code: 'KS_ERR_TRANSIENT' });
    const ctx = createTestContext({ window: NOVEMBER_UTC });
    ctx.controller.abort(new Error('shutdown'));
    const aborted = await sql.fetch(connection, sql.querySchema.parse({ sql: 'SELECT 1' }), ctx).catch((e: unknown) => e);
    expect(aborted).toMatchObject({ code: 'KS_ERR_ABORTED' });
    const refused = await sql
      .fetch(
        sql.connectionSchema.parse({ url: url.replace(`:${pg.port}/`, ':1/') }),
        sql.querySchema.parse({ sql: 'SELECT 1' }),
        createTestContext({ window: NOVEMBER_UTC }),
      )
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'KS_ERR_NETWORK' });
    for (const error of [timedOut, aborted, refused]) {
      expect((error as Error).message).toContain('127.0.0.1:');
      expectNoSecret(shown(error, []), [READER.password, url]);
    }
  });
});
