import net from 'node:net';
import type { Client, ClientConfig, QueryArrayConfig } from 'pg';
import type { LookupFunction } from '../../src/sdk/index.ts';
import type { SqlResult } from './map.ts';
import { atMost, bounded, CANCEL_MS, cancelWithin, type RunStatement, type Session } from './session.ts';
import { assertHostAllowed, guardedLookup, tlsOptions, type Target } from './target.ts';

/**
 * PostgreSQL through node-postgres (`pg`, loaded on first use). Every statement of a
 * KPI runs in `BEGIN READ ONLY` with `SET LOCAL statement_timeout`
 * (https://www.postgresql.org/docs/current/sql-begin.html,
 * https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT)
 * and is rolled back, so a SET in a query dies with it. The connection also starts
 * with default_transaction_read_only=on and the timeout in its startup packet.
 */

/** Every type as the server's text: numbers, dates and timestamps are read in map.ts without loss. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value };

/** Type names for messages (pg_type OIDs of the built-in types). */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  16: 'bool',
  17: 'bytea',
  18: 'char',
  19: 'name',
  20: 'int8',
  21: 'int2',
  23: 'int4',
  25: 'text',
  26: 'oid',
  114: 'json',
  700: 'float4',
  701: 'float8',
  790: 'money',
  1042: 'bpchar',
  1043: 'varchar',
  1082: 'date',
  1083: 'time',
  1114: 'timestamp',
  1184: 'timestamptz',
  1186: 'interval',
  1700: 'numeric',
  2950: 'uuid',
  3802: 'jsonb',
};

async function clientConfig(target: Target): Promise<ClientConfig> {
  assertHostAllowed(target);
  const tls = await tlsOptions(target);
  const lookup = guardedLookup(target);
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    // Given explicitly, so neither PGPASSWORD nor ~/.pgpass of the worker's account is used by surprise.
    password: target.password ?? '',
    database: target.database ?? target.user,
    ssl: tls ?? false,
    ...(lookup ? { stream: () => guardedSocket(lookup) } : {}),
    application_name: 'kpi-sync',
    statement_timeout: target.statementTimeoutMs,
    options: '-c default_transaction_read_only=on',
    keepAlive: true,
  };
}

/**
 * node-postgres calls `stream.connect(port, host)`; the guard needs Node's `lookup`
 * option there. Socket wrappers (test interceptors, APM agents) may call it again
 * with an options object, which gets the lookup too.
 */
function guardedSocket(lookup: LookupFunction): net.Socket {
  const socket = new net.Socket();
  const connect = socket.connect.bind(socket) as (...args: unknown[]) => net.Socket;
  const guarded = (first: unknown, ...rest: unknown[]): net.Socket => {
    if (typeof first === 'object' && first !== null) return connect({ lookup, ...first }, ...rest);
    return connect({ port: first, host: rest[0], lookup });
  };
  return Object.assign(socket, { connect: guarded });
}

async function connectClient(target: Target, signal: AbortSignal, config: ClientConfig): Promise<Client> {
  const pg = await import('pg');
  const client = new (pg.default?.Client ?? pg.Client)(config);
  // An error on an idle socket (server restart) is emitted here; unheard, it would crash the process.
  client.on('error', () => undefined);
  try {
    await bounded(client.connect(), { signal, timeoutMs: target.connectTimeoutMs, what: `connecting to ${target.label}`, stop: () => destroy(client) });
  } catch (error) {
    destroy(client);
    throw error;
  }
  return client;
}

function destroy(client: Client): void {
  client.connection.stream.destroy();
}

export async function openPostgres(target: Target, signal: AbortSignal): Promise<Session> {
  const config = await clientConfig(target);
  const client = await connectClient(target, signal, config);
  let broken = false;
  client.on('error', () => (broken = true));
  client.on('end', () => (broken = true));
  const pid = (client as unknown as { processID: number | null }).processID;

  const run: RunStatement = async (text, values) => {
    const query: QueryArrayConfig & { queryMode: 'extended' } = { text, values: [...values], rowMode: 'array', types: RAW_TEXT, queryMode: 'extended' };
    // The extended protocol always, even without parameters: it refuses a second
    // statement ("SELECT 1; DELETE …"), which the simple protocol would run.
    const result = await client.query(query);
    return {
      columns: (result.fields ?? []).map((field) => ({ name: field.name, type: TYPE_NAMES[field.dataTypeID] ?? `type ${field.dataTypeID}` })),
      rows: (result.rows ?? []) as unknown[][],
    } satisfies SqlResult;
  };

  return {
    get broken() {
      return broken;
    },
    async readOnly(work) {
      // Our own fixed text (the timeout is a validated integer), so the simple protocol's two statements are fine here.
      await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.trunc(target.statementTimeoutMs)}`);
      try {
        return await work(run);
      } finally {
        if (!broken) await client.query('ROLLBACK').catch(() => (broken = true));
      }
    },
    async cancel() {
      if (!pid) return;
      // pg_cancel_backend from a second connection of the same user: Postgres does not
      // notice a closed socket while a statement runs, so destroying ours alone would not stop it.
      await cancelWithin(async (cancelSignal) => {
        const other = await connectClient(target, cancelSignal, { ...config, statement_timeout: CANCEL_MS });
        try {
          await other.query('SELECT pg_cancel_backend($1)', [pid]);
        } finally {
          destroy(other);
        }
      });
    },
    destroy() {
      broken = true;
      destroy(client);
    },
    async close() {
      broken = true;
      await atMost(client.end(), 1_000);
      destroy(client);
    },
    idle(idle) {
      const stream = client.connection.stream as Partial<net.Socket>;
      if (idle) stream.unref?.();
      else stream.ref?.();
    },
  };
}

/** Facts `check` reports: the server's version, the user, and what the user could write. */
export async function inspectPostgres(run: RunStatement): Promise<{ version: string; user: string; writes: string[] }> {
  const about = await run("SELECT current_setting('server_version'), current_user::text", []);
  const [version, user] = (about.rows[0] ?? []) as [string, string];
  // has_table_privilege counts grants, ownership and pg_write_all_data alike
  // (https://www.postgresql.org/docs/current/functions-info.html#FUNCTIONS-INFO-ACCESS).
  const facts = await run(
    `SELECT r.rolsuper::text, r.rolcreaterole::text, r.rolcreatedb::text,
            (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'p', 'v', 'f') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
                AND (has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE')
                  OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE')))::text,
            (SELECT string_agg(quote_ident(nspname), ', ' ORDER BY nspname) FROM pg_namespace
              WHERE nspname <> 'information_schema' AND nspname NOT LIKE 'pg\\_%' AND has_schema_privilege(oid, 'CREATE')),
            has_database_privilege(current_database(), 'CREATE')::text
       FROM pg_roles r WHERE r.rolname = current_user`,
    [],
  );
  const [superuser, createRole, createDb, tables, schemas, createInDatabase] = (facts.rows[0] ?? []) as (string | null)[];
  const writes: string[] = [];
  if (superuser === 'true') writes.push('is a superuser');
  if (Number(tables) > 0) writes.push(`may INSERT, UPDATE, DELETE or TRUNCATE ${tables} table${tables === '1' ? '' : 's'}`);
  if (schemas) writes.push(`may CREATE in schema ${schemas}`);
  if (createInDatabase === 'true') writes.push('may CREATE schemas in the database');
  if (createRole === 'true') writes.push('has CREATEROLE');
  if (createDb === 'true') writes.push('has CREATEDB');
  return { version: `PostgreSQL ${version ?? '?'}`, user: user ?? '?', writes };
}
