import { describe, expect, it } from 'vitest';
import { SqlTimeoutError, toSqlError } from '../../../connectors/sql/errors.ts';
import { connectionSchema } from '../../../connectors/sql/schema.ts';
import { resolveTarget } from '../../../connectors/sql/target.ts';
import { AbortedError } from '../../../src/sdk/index.ts';

/**
 * Driver errors as node-postgres and mysql2 raise them (SQLSTATE in `code` for pg;
 * `errno`, `code` and `sqlState` for mysql2; Node's socket codes) → typed errors.
 */

const PASSWORD = 'Pa55-w0rd/with%chars';
const pg = resolveTarget(
  connectionSchema.parse({ dialect: 'postgres', host: '127.0.0.1', port: 5432, database: 'kpi', user: 'kpi_reader', password: PASSWORD }),
  '/',
);
const my = resolveTarget(connectionSchema.parse({ dialect: 'mysql', host: '127.0.0.1', database: 'shop', user: 'kpi_reader', password: PASSWORD }), '/');

function pgError(code: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR', ...extra });
}

function mysqlError(errno: number, code: string | undefined, message: string): Error {
  return Object.assign(new Error(message), { errno, code, sqlState: 'HY000', sqlMessage: message, sql: 'SELECT 1', fatal: false });
}

describe('toSqlError: Postgres SQLSTATEs', () => {
  it.each([
    ['28P01', 'password authentication failed for user "kpi_reader"', 'KS_ERR_AUTH', false],
    ['28000', 'no pg_hba.conf entry for host "10.0.0.9", user "kpi_reader", database "kpi", no encryption', 'KS_ERR_AUTH', false],
    ['42501', 'permission denied for table orders', 'KS_ERR_PERMISSION', false],
    ['42703', 'column "nosuch" does not exist', 'KS_ERR_QUERY', false],
    ['42601', 'syntax error at or near "SELEC"', 'KS_ERR_QUERY', false],
    ['22012', 'division by zero', 'KS_ERR_QUERY', false],
    ['25006', 'cannot execute INSERT in a read-only transaction', 'KS_ERR_QUERY', false],
    ['57014', 'canceling statement due to statement timeout', 'KS_ERR_TRANSIENT', true],
    ['57P01', 'terminating connection due to administrator command', 'KS_ERR_TRANSIENT', true],
    ['53300', 'sorry, too many clients already', 'KS_ERR_TRANSIENT', true],
    ['40P01', 'deadlock detected', 'KS_ERR_TRANSIENT', true],
    ['3D000', 'database "kpj" does not exist', 'KS_ERR_CONFIG', false],
  ])('%s → its typed error with the server message', (code, message, ksCode, retryable) => {
    const error = toSqlError(pgError(code, message), pg, 'query');
    expect(error.code).toBe(ksCode);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toContain(`postgres 127.0.0.1:5432/kpi (${code}): ${message}`);
  });

  it('adds the server hint and says what a timeout and a read-only refusal mean', () => {
    expect(toSqlError(pgError('42883', 'function nosuch() does not exist', { hint: 'No function matches the given name.' }), pg, 'query').message).toContain(
      '(hint: No function matches the given name.)',
    );
    expect(toSqlError(pgError('57014', 'canceling statement due to statement timeout'), pg, 'query').message).toContain(
      'ran longer than statementTimeoutMs (30000 ms)',
    );
    expect(toSqlError(pgError('25006', 'cannot execute INSERT in a read-only transaction'), pg, 'query').message).toContain(
      'queries run in a read-only transaction and cannot write',
    );
  });
});

describe('toSqlError: MySQL and MariaDB error numbers', () => {
  it.each([
    [1045, 'ER_ACCESS_DENIED_ERROR', "Access denied for user 'kpi_reader'@'10.0.0.9' (using password: YES)", 'KS_ERR_AUTH', false],
    [1044, 'ER_DBACCESS_DENIED_ERROR', "Access denied for user 'kpi_reader'@'%' to database 'shop'", 'KS_ERR_PERMISSION', false],
    [1142, 'ER_TABLEACCESS_DENIED_ERROR', "SELECT command denied to user 'kpi_reader'@'%' for table `shop`.`orders`", 'KS_ERR_PERMISSION', false],
    [1054, 'ER_BAD_FIELD_ERROR', "Unknown column 'nosuch' in 'SELECT'", 'KS_ERR_QUERY', false],
    [1064, 'ER_PARSE_ERROR', 'You have an error in your SQL syntax', 'KS_ERR_QUERY', false],
    [1146, 'ER_NO_SUCH_TABLE', "Table 'shop.order' doesn't exist", 'KS_ERR_QUERY', false],
    [1792, 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION', 'Cannot execute statement in a READ ONLY transaction', 'KS_ERR_QUERY', false],
    [3024, 'ER_QUERY_TIMEOUT', 'Query execution was interrupted, maximum statement execution time exceeded', 'KS_ERR_TRANSIENT', true],
    [1969, undefined, 'Query execution was interrupted (max_statement_time exceeded)', 'KS_ERR_TRANSIENT', true],
    [1040, 'ER_CON_COUNT_ERROR', 'Too many connections', 'KS_ERR_TRANSIENT', true],
    [1049, 'ER_BAD_DB_ERROR', "Unknown database 'shopp'", 'KS_ERR_CONFIG', false],
  ])('%s → its typed error with the server message', (errno, code, message, ksCode, retryable) => {
    const error = toSqlError(mysqlError(errno, code, message), my, 'query');
    expect(error.code).toBe(ksCode);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toContain(`mysql 127.0.0.1:3306/shop (${errno}): ${message}`);
  });
});

describe('toSqlError: sockets, TLS, timeouts', () => {
  it('connection refused and unknown hosts are retryable network errors', () => {
    const refused = toSqlError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', errno: -111 }), pg, 'connect');
    expect(refused).toMatchObject({ code: 'KS_ERR_NETWORK', retryable: true });
    const unknown = toSqlError(Object.assign(new Error('getaddrinfo ENOTFOUND db.internal'), { code: 'ENOTFOUND', errno: -3008 }), my, 'connect');
    expect(unknown).toMatchObject({ code: 'KS_ERR_NETWORK', retryable: true });
  });

  it('every address refused (AggregateError) reads as its first', () => {
    const both = new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })], '');
    expect(toSqlError(both, pg, 'connect')).toMatchObject({ code: 'KS_ERR_NETWORK', retryable: true });
  });

  it("a lost connection and the connector's own timeouts are retryable", () => {
    expect(toSqlError(new Error('Connection terminated unexpectedly'), pg, 'query')).toMatchObject({ code: 'KS_ERR_TRANSIENT', retryable: true });
    expect(
      toSqlError(Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' }), my, 'query').retryable,
    ).toBe(true);
    expect(toSqlError(new SqlTimeoutError('connecting to postgres 127.0.0.1:5432/kpi: no answer within 10000 ms'), pg, 'connect')).toMatchObject({
      code: 'KS_ERR_TRANSIENT',
      retryable: true,
    });
  });

  it('a certificate the client cannot verify is a config error saying what to set', () => {
    const error = toSqlError(
      Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
      { ...pg, ssl: 'verify-full' },
      'connect',
    );
    expect(error.code).toBe('KS_ERR_CONFIG');
    expect(error.message).toContain('give the CA that signed the server certificate as sslCa');
    expect(toSqlError(new Error('The server does not support SSL connections'), { ...pg, ssl: 'require' }, 'connect').code).toBe('KS_ERR_CONFIG');
  });

  it('a missing password the server asks for is an auth error', () => {
    expect(toSqlError(new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'), pg, 'connect').code).toBe('KS_ERR_AUTH');
  });

  it('passes typed errors through', () => {
    const aborted = new AbortedError('stopped');
    expect(toSqlError(aborted, pg, 'query')).toBe(aborted);
  });
});

describe('toSqlError: no credentials in the result', () => {
  it('scrubs the password (as written and percent-encoded) and the URL from message, stack and cause, and drops the driver fields', () => {
    const url = `postgres://kpi_reader:${encodeURIComponent(PASSWORD)}@db.internal:5432/kpi`;
    const target = resolveTarget(connectionSchema.parse({ url }), '/');
    const raw = Object.assign(new Error(`could not connect to ${url} with password ${PASSWORD}`), { code: 'ECONNRESET', client: { password: PASSWORD } });
    const error = toSqlError(raw, target, 'connect');
    const text = [
      error.message,
      error.stack,
      JSON.stringify(error),
      String((error.cause as Error).message),
      (error.cause as Error).stack,
      JSON.stringify(error.cause),
    ].join('\n');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(encodeURIComponent(PASSWORD));
    expect(text).not.toContain(url);
    expect(error.cause).not.toBe(raw);
    expect(Object.keys(error.cause as object)).not.toContain('client');
  });
});
