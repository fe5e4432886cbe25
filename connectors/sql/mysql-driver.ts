import net from 'node:net';
import type { Connection, ConnectionOptions, FieldPacket } from 'mysql2';
import type { SqlResult } from './map.ts';
import { atMost, bounded, cancelWithin, type RunStatement, type Session } from './session.ts';
import { assertHostAllowed, guardedLookup, tlsOptions, type Target } from './target.ts';

/**
 * MySQL and MariaDB through mysql2 (loaded on first use). A new connection is set to
 * `SET SESSION TRANSACTION READ ONLY`, UTC, and the server's statement limit: MySQL's
 * max_execution_time in ms (https://dev.mysql.com/doc/refman/8.4/en/server-system-variables.html#sysvar_max_execution_time),
 * MariaDB's max_statement_time in seconds (https://mariadb.com/kb/en/server-system-variables/#max_statement_time);
 * which one is read from the version the server announces. Every KPI statement then
 * runs between `START TRANSACTION READ ONLY` and `ROLLBACK`, as a prepared statement
 * (`execute`), which takes exactly one statement and real bind values.
 */

/** Type names for messages (the protocol's column type codes). */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'DECIMAL',
  1: 'TINYINT',
  2: 'SMALLINT',
  3: 'INT',
  4: 'FLOAT',
  5: 'DOUBLE',
  6: 'NULL',
  7: 'TIMESTAMP',
  8: 'BIGINT',
  9: 'MEDIUMINT',
  10: 'DATE',
  11: 'TIME',
  12: 'DATETIME',
  13: 'YEAR',
  15: 'VARCHAR',
  16: 'BIT',
  245: 'JSON',
  246: 'DECIMAL',
  247: 'ENUM',
  248: 'SET',
  249: 'TINYBLOB',
  250: 'MEDIUMBLOB',
  251: 'LONGBLOB',
  252: 'BLOB/TEXT',
  253: 'VARCHAR',
  254: 'CHAR',
  255: 'GEOMETRY',
};

async function connectionOptions(target: Target): Promise<ConnectionOptions> {
  assertHostAllowed(target);
  const tls = await tlsOptions(target);
  const lookup = guardedLookup(target);
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password ?? '',
    ...(target.database ? { database: target.database } : {}),
    ...(tls ? { ssl: { ...tls, verifyIdentity: tls.rejectUnauthorized } } : {}),
    // The guard resolves the host itself; mysql2 still checks the certificate against `host`.
    ...(lookup ? { stream: () => net.connect({ host: target.host, port: target.port, lookup }) } : {}),
    connectTimeout: target.connectTimeoutMs,
    // Numbers and dates as the server's text: map.ts reads them without loss or zone guesses.
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    dateStrings: true,
    multipleStatements: false,
    // Never let the server ask for a local file (LOAD DATA LOCAL INFILE).
    flags: ['-LOCAL_FILES'],
    charset: 'UTF8MB4_GENERAL_CI',
    enableKeepAlive: true,
    connectAttributes: { program_name: 'kpi-sync' },
  };
}

function call<T>(start: (done: (error: unknown, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value as T))));
}

async function connect(target: Target, signal: AbortSignal, options: ConnectionOptions): Promise<Connection> {
  const mysql = await import('mysql2');
  const connection = (mysql.default?.createConnection ?? mysql.createConnection)(options);
  // A fatal error on an idle connection is emitted here; unheard, it would crash the process.
  connection.on('error', () => undefined);
  try {
    await bounded(
      call<void>((done) => connection.connect((error) => done(error))),
      { signal, timeoutMs: target.connectTimeoutMs, what: `connecting to ${target.label}`, stop: () => connection.destroy() },
    );
  } catch (error) {
    connection.destroy();
    throw error;
  }
  return connection;
}

function plain(connection: Connection, sql: string): Promise<unknown> {
  return call((done) => connection.query(sql, (error, rows) => done(error, rows)));
}

export async function openMysql(target: Target, signal: AbortSignal): Promise<Session> {
  const options = await connectionOptions(target);
  const connection = await connect(target, signal, options);
  let broken = false;
  connection.on('error', () => (broken = true));
  connection.on('end', () => (broken = true));
  const setup = async () => {
    const rows = (await plain(connection, 'SELECT VERSION()')) as Array<Record<string, unknown>>;
    const version = String(Object.values(rows[0] ?? {})[0] ?? '');
    const mariadb = /mariadb/i.test(version);
    await plain(connection, 'SET SESSION TRANSACTION READ ONLY');
    const limit = mariadb ? `max_statement_time = ${target.statementTimeoutMs / 1000}` : `max_execution_time = ${Math.trunc(target.statementTimeoutMs)}`;
    // UTC, so TIMESTAMP columns compare with :window_start_utc and NOW() means the same everywhere.
    await plain(connection, `SET SESSION ${limit}, SESSION time_zone = '+00:00'`);
  };
  try {
    await bounded(setup(), { signal, timeoutMs: target.connectTimeoutMs, what: `setting up a session on ${target.label}`, stop: () => connection.destroy() });
  } catch (error) {
    connection.destroy();
    throw error;
  }

  const run: RunStatement = (sql, values) =>
    call<SqlResult>((done) =>
      connection.execute({ sql, values: [...values], rowsAsArray: true }, (error, rows, fields: FieldPacket[] | undefined) => {
        if (error) return done(error);
        done(null, {
          columns: (fields ?? []).map((field) => ({ name: field.name, type: TYPE_NAMES[field.columnType ?? -1] ?? `type ${field.columnType}` })),
          rows: Array.isArray(rows) ? (rows as unknown[][]) : [],
        });
      }),
    );

  return {
    get broken() {
      return broken;
    },
    async readOnly(work) {
      await plain(connection, 'START TRANSACTION READ ONLY');
      try {
        return await work(run);
      } finally {
        if (!broken) await plain(connection, 'ROLLBACK').catch(() => (broken = true));
      }
    },
    async cancel() {
      const thread = connection.threadId;
      if (!Number.isInteger(thread)) return;
      // KILL QUERY from a second connection of the same user (https://mariadb.com/kb/en/kill/,
      // https://dev.mysql.com/doc/refman/8.4/en/kill.html): the server does not notice a
      // closed socket while most statements run.
      await cancelWithin(async (cancelSignal) => {
        const other = await connect(target, cancelSignal, options);
        try {
          await plain(other, `KILL QUERY ${thread}`);
        } finally {
          other.destroy();
        }
      });
    },
    destroy() {
      broken = true;
      connection.destroy();
    },
    async close() {
      broken = true;
      await atMost(
        call<void>((done) => connection.end((error) => done(error))),
        1_000,
      );
      connection.destroy();
    },
    idle(idle) {
      const stream = (connection as unknown as { stream?: Partial<net.Socket> }).stream;
      if (idle) stream?.unref?.();
      else stream?.ref?.();
    },
  };
}

/** The write privileges SHOW GRANTS lists (https://mariadb.com/kb/en/grant/#privilege-levels). */
const WRITE_PRIVILEGES = /^(ALL( PRIVILEGES)?|INSERT|UPDATE|DELETE|DELETE HISTORY|CREATE(?! TEMPORARY).*|DROP.*|ALTER.*|INDEX|TRIGGER|EVENT|FILE|SUPER)$/;

/** Facts `check` reports: the server's version, the user, and the write privileges SHOW GRANTS lists. */
export async function inspectMysql(run: RunStatement): Promise<{ version: string; user: string; writes: string[] }> {
  const about = await run('SELECT VERSION(), CURRENT_USER()', []);
  const [version, user] = (about.rows[0] ?? []) as [string, string];
  const grants = await run('SHOW GRANTS', []);
  const writes: string[] = [];
  for (const [line] of grants.rows as [string][]) {
    // "GRANT SELECT, INSERT ON `kpi`.* TO `u`@`%`"; the part after TO may hold a
    // password hash (MariaDB's IDENTIFIED BY PASSWORD) and is never reported.
    const grant = /^GRANT\s+(.+?)\s+ON\s+(.+?)\s+TO\s/i.exec(String(line));
    if (!grant) continue;
    const privileges = splitPrivileges(grant[1]!).filter((p) => WRITE_PRIVILEGES.test(p));
    if (privileges.length > 0) writes.push(`${privileges.join(', ')} on ${grant[2]}`);
  }
  // MariaDB announces itself as "10.11.19-MariaDB-0+deb12u1" (behind "5.5.5-" in the handshake).
  const text = String(version ?? '?').replace(/^5\.5\.5-/, '');
  const mariadb = /-MariaDB/i.exec(text);
  return { version: mariadb ? `MariaDB ${text.slice(0, mariadb.index)} (${text})` : `MySQL ${text}`, user: user ?? '?', writes };
}

/** "SELECT (a, b), UPDATE (c), INSERT" → ["SELECT", "UPDATE", "INSERT"]. */
function splitPrivileges(list: string): string[] {
  return list
    .replace(/\([^)]*\)/g, '')
    .split(',')
    .map((p) => p.trim().toUpperCase().replace(/\s+/g, ' '))
    .filter(Boolean);
}
