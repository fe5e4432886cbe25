import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeIdleSessions } from '../../../connectors/sql/client.ts';
import sql from '../../../connectors/sql/index.ts';
import { defineConnectorConformance } from '../../../src/sdk/testing/index.ts';
import {
  NOVEMBER_PARIS,
  READER,
  startMariaDbFixture,
  startPostgresFixture,
  startSilentServer,
  WRONG_PASSWORD,
  type MariaDbFixture,
  type PostgresFixture,
} from '../../helpers/sql-servers.ts';

/**
 * The sql connector against the shared conformance suite, on real servers started
 * here: a private PostgreSQL (reached through a `url`) and a private MariaDB
 * (host, user, password). "Refuses the credentials" is the same server with a wrong
 * password; "never answers" is a loopback port that accepts and stays silent, with
 * a short connectTimeoutMs.
 */

let postgres: Promise<PostgresFixture> | undefined;
let mariadb: Promise<MariaDbFixture> | undefined;
let silent: ReturnType<typeof startSilentServer> | undefined;

// Installing MariaDB or PostgreSQL (first run on a fresh machine) takes longer than a hook may.
beforeAll(async () => {
  postgres = startPostgresFixture();
  mariadb = startMariaDbFixture();
  silent = startSilentServer();
  await Promise.all([postgres, mariadb, silent]);
}, 600_000);

afterAll(async () => {
  await closeIdleSessions();
  await Promise.all([postgres?.then((f) => f.stop()), mariadb?.then((f) => f.stop()), silent?.then((s) => s.stop())]);
}, 60_000);

const COUNT = 'SELECT count(*) FROM orders WHERE created_at >= :window_start AND created_at < :window_end';

describe('postgres (url)', () => {
  defineConnectorConformance(sql, async () => {
    const [pg, hang] = await Promise.all([postgres!, silent!]);
    const url = (password: string, port = pg.port) => `postgres://${READER.user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${pg.database}`;
    return {
      connection: { url: url(READER.password) },
      badConnection: { url: url(WRONG_PASSWORD) },
      hangingConnection: { url: url(READER.password, hang.port), connectTimeoutMs: 1_000 },
      query: { sql: COUNT },
      window: NOVEMBER_PARIS,
      source: {
        // The server is up: it answers its superuser.
        answers: async () => void (await pg.admin('SELECT 1')),
        // badConnection carries a wrong password; the server itself refuses it.
        rejectsCredentials: () => undefined,
        // The silent port is always there.
        hangs: () => undefined,
      },
    };
  });
});

describe('mariadb (host, user, password)', () => {
  defineConnectorConformance(sql, async () => {
    const [my, hang] = await Promise.all([mariadb!, silent!]);
    const connection = { dialect: 'mysql', host: '127.0.0.1', port: my.port, database: my.database, ...READER };
    return {
      connection,
      badConnection: { ...connection, password: WRONG_PASSWORD },
      hangingConnection: { ...connection, port: hang.port, connectTimeoutMs: 1_000 },
      query: { sql: COUNT.replace(':window_start', ':window_start_utc').replace(':window_end', ':window_end_utc') },
      window: NOVEMBER_PARIS,
      source: {
        answers: async () => void (await my.admin('SELECT 1')),
        rejectsCredentials: () => undefined,
        hangs: () => undefined,
      },
    };
  });
});

describe('sql: declared strategies', () => {
  it('backfills in one pass and measures a window-bounded query as a flow', () => {
    expect(sql.backfill).toBe('one-pass');
    expect(sql.measure!(sql.querySchema.parse({ sql: COUNT }))).toBe('flow');
  });
});
