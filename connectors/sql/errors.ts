import { AuthError, ConfigError, KsError, PermissionError, QueryError, TransientError } from '../../src/sdk/index.ts';
import type { Target } from './target.ts';

/**
 * Driver errors → the SDK's typed errors, recognised by the server's own codes:
 * Postgres SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html),
 * MySQL/MariaDB error numbers (https://dev.mysql.com/doc/mysql-errors/8.4/en/server-error-reference.html,
 * https://mariadb.com/kb/en/mariadb-error-code-reference/), and Node's socket and TLS
 * codes. Messages keep the server's words, pass through `target.scrub` and never
 * carry the driver's error object (node-postgres and mysql2 errors can hold the
 * connection's settings): the cause is a scrubbed copy.
 */

/** What the connector was doing: a failure while connecting is never the query's fault. */
export type Phase = 'connect' | 'query';

const PG_AUTH = /^(28P01|28000)$/;
const PG_PERMISSION = /^42501$/;
/** Class 08 connection exceptions, 53 insufficient resources, 57P0x shutdown/crash, 40001/40P01, 55P03 lock timeout. */
const PG_TRANSIENT = /^(08...|53...|57P0[1-5]|40001|40P01|55P03|58...|XX...)$/;

/** Access denied (1045, 1698), password expired (1862), account locked (3118 MySQL, 4151 MariaDB). */
const MYSQL_AUTH = new Set([1045, 1698, 1862, 3118, 4151]);
/** Database, table, column, routine access denied; a privilege (SUPER, PROCESS…) missing. */
const MYSQL_PERMISSION = new Set([1044, 1142, 1143, 1227, 1370, 1410]);
/** Too many connections, lock wait / deadlock, server gone, shutdown, read timeouts, killed connection. */
const MYSQL_TRANSIENT = new Set([
  1040, 1053, 1077, 1152, 1153, 1154, 1155, 1156, 1157, 1158, 1159, 1160, 1161, 1203, 1205, 1213, 1226, 1927, 2002, 2003, 2006, 2013, 2055,
]);
/** MySQL's max_execution_time (3024), MariaDB's max_statement_time (1969). */
const MYSQL_TIMEOUT = new Set([3024, 1969]);
/** Statements a read-only transaction refuses: MySQL 1792, MariaDB 1792 too. */
const MYSQL_READ_ONLY = 1792;
const MYSQL_BAD_DATABASE = 1049;

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
]);
const TLS_CODES =
  /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID|ERR_SSL_.*|HANDSHAKE_NO_SSL_SUPPORT)$/;

/** Raised by the connector itself when a statement or connect outlived its limit. */
export class SqlTimeoutError extends Error {}

export function toSqlError(error: unknown, target: Target, phase: Phase): KsError {
  if (error instanceof KsError) return error;
  const facts = factsOf(error);
  const message = target.scrub(facts.message || 'unknown error');
  const cause = scrubbedCopy(error, facts, target);
  const where = `${target.label}${facts.code ? ` (${facts.code})` : ''}`;
  if (error instanceof SqlTimeoutError) return new TransientError(`${target.label}: ${message}`, { cause });
  if (target.dialect === 'postgres' && facts.sqlState)
    return fromPostgres(facts.sqlState, `${where}: ${message}${facts.hint ? ` (hint: ${target.scrub(facts.hint)})` : ''}`, target, cause);
  // 2000–2999 are client-side (CR_*) numbers; the server's run below and from 3000 (MySQL 8, MariaDB 4000+).
  if (facts.errno !== undefined && (facts.errno < 2000 || facts.errno >= 3000)) return fromMysql(facts.errno, `${where}: ${message}`, target, cause);
  // The client could not log in without a password the server asked for (node-postgres says so in its own words).
  if (/client password must be a string|password authentication|SASL: /i.test(message))
    return new AuthError(`${where}: ${message}; check user and password`, { cause });
  if ((facts.code !== undefined && TLS_CODES.test(facts.code)) || /does not support SSL|SSL connection|secure connection|certificate/i.test(message)) {
    const hint =
      target.ssl === 'verify-full'
        ? 'give the CA that signed the server certificate as sslCa, or set ssl: require to encrypt without checking it'
        : 'set ssl to match the server (disable on a trusted network, or enable TLS on the server)';
    return new ConfigError(`${where}: TLS failed: ${message}; ${hint}`, { cause });
  }
  if (facts.code && SOCKET_CODES.has(facts.code)) return new TransientError(`${where}: ${message}`, { cause, code: 'KS_ERR_NETWORK' });
  if (facts.errno !== undefined && MYSQL_TRANSIENT.has(facts.errno)) return new TransientError(`${where}: ${message}`, { cause });
  // node-postgres's own words for a connection that went away.
  if (phase === 'connect' || /Connection terminated|not queryable|connection (is )?closed|read ECONNRESET/i.test(message)) {
    return new TransientError(`${where}: ${message}`, { cause });
  }
  return new QueryError(`${where}: ${message}`, { cause });
}

function fromPostgres(state: string, text: string, target: Target, cause: Error): KsError {
  if (PG_AUTH.test(state)) return new AuthError(`${text}; check user and password (and pg_hba.conf)`, { cause });
  if (PG_PERMISSION.test(state)) return new PermissionError(`${text}; GRANT SELECT on what the query reads to this user`, { cause });
  if (state === '25006') return new QueryError(`${text}; queries run in a read-only transaction and cannot write`, { cause });
  if (state === '57014') return timeout(text, target, cause);
  if (state === '3D000') return new ConfigError(`${text}; check the connection's database`, { cause });
  if (PG_TRANSIENT.test(state)) return new TransientError(text, { cause });
  return new QueryError(text, { cause });
}

function fromMysql(errno: number, text: string, target: Target, cause: Error): KsError {
  if (MYSQL_AUTH.has(errno)) return new AuthError(`${text}; check user and password`, { cause });
  if (MYSQL_PERMISSION.has(errno)) return new PermissionError(`${text}; GRANT SELECT on what the query reads to this user`, { cause });
  if (errno === MYSQL_READ_ONLY) return new QueryError(`${text}; queries run in a read-only transaction and cannot write`, { cause });
  if (MYSQL_TIMEOUT.has(errno)) return timeout(text, target, cause);
  if (errno === MYSQL_BAD_DATABASE) return new ConfigError(`${text}; check the connection's database`, { cause });
  if (MYSQL_TRANSIENT.has(errno)) return new TransientError(text, { cause });
  return new QueryError(text, { cause });
}

function timeout(text: string, target: Target, cause: Error): KsError {
  return new TransientError(`${text}: the query ran longer than statementTimeoutMs (${target.statementTimeoutMs} ms); make it cheaper or raise the limit`, {
    cause,
  });
}

interface Facts {
  message: string;
  code: string | undefined;
  sqlState: string | undefined;
  errno: number | undefined;
  hint: string | undefined;
}

function factsOf(error: unknown): Facts {
  const object = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  // Node's AggregateError (every address of a host refused) has an empty message of its own.
  if (error instanceof AggregateError && !error.message && error.errors.length > 0) return factsOf(error.errors[0]);
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof object.code === 'string' ? object.code : undefined;
  const errno = typeof object.errno === 'number' && object.errno > 0 ? object.errno : undefined;
  // node-postgres puts the SQLSTATE in `code` (five characters, digits among them, unlike EPERM); mysql2 has `errno`.
  const sqlState = errno === undefined && code !== undefined && /^(?=.*\d)[0-9A-Z]{5}$/.test(code) ? code : undefined;
  const hint = typeof object.hint === 'string' ? object.hint : undefined;
  return { message, code: sqlState ?? (errno !== undefined ? String(errno) : code), sqlState, errno, hint };
}

/** Message, code and stack of the driver's error, scrubbed; nothing else of it. */
function scrubbedCopy(error: unknown, facts: Facts, target: Target): Error {
  const copy = new Error(target.scrub(facts.message)) as Error & { code?: string };
  if (facts.code) copy.code = facts.code;
  if (error instanceof Error && error.stack) copy.stack = target.scrub(error.stack);
  return copy;
}
