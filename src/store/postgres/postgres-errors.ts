import { KsError } from '../../sdk/errors.ts';

/**
 * SQLSTATEs that describe a passing state, not a bad statement
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html):
 * class 08 connection exceptions; 57P01-57P03 admin/crash shutdown and "starting
 * up"; 40001/40P01 serialization failure and deadlock; 53300 too many connections;
 * 55P03 lock_timeout. 57014 (statement_timeout, cancel) is retryable as SQLite's
 * SQLITE_BUSY is: it is nearly always a lock or a load spike, and the caller's retry
 * policy caps the attempts.
 */
const RETRYABLE_SQLSTATE = /^(08...|57P0[123]|40001|40P01|53300|55P03|57014)$/;

/** Socket-level failures: the server may be back in a moment. */
const RETRYABLE_SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** node-postgres's own words for a connection that went away or never came. */
const RETRYABLE_MESSAGE = /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Query read timeout/i;

/**
 * A KsError as-is; anything else as KS_ERR_STORE naming the operation and the
 * SQLSTATE (or socket code), passed through `scrub` so no password reaches a log.
 */
export function toPostgresStoreError(operation: string, error: unknown, scrub: (text: string) => string = (t) => t): KsError {
  if (error instanceof KsError) return error;
  const code = codeOf(error);
  const message = scrub(messageOf(error));
  const retryable = RETRYABLE_SQLSTATE.test(code) || RETRYABLE_SOCKET.has(code) || RETRYABLE_MESSAGE.test(message);
  return new KsError('KS_ERR_STORE', `Store ${operation} failed${code ? ` (${code})` : ''}: ${message || 'unknown error'}`, {
    retryable,
    cause: sanitized(error, code, message, scrub),
  });
}

/**
 * A copy of the driver's error with only what helps an operator: node-postgres and
 * pg-pool hang the client (its connection parameters, password included) on some
 * errors, and a log serializer that walks `cause` would print it.
 */
function sanitized(error: unknown, code: string, message: string, scrub: (text: string) => string): Error {
  const copy = new Error(message) as Error & { code?: string; detail?: string };
  if (code) copy.code = code;
  const detail = (error as { detail?: unknown } | null)?.detail;
  if (typeof detail === 'string') copy.detail = scrub(detail);
  if (error instanceof Error && error.stack) copy.stack = scrub(error.stack);
  return copy;
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Node's AggregateError (every address of a host refused) has an empty message of its own.
  if (!error.message && error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  return error.message;
}

function codeOf(error: unknown): string {
  const code = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; errors?: unknown };
  if (typeof code.code === 'string') return code.code;
  // Node's AggregateError when every address of a host refused (IPv4 and IPv6).
  if (Array.isArray(code.errors)) return codeOf(code.errors[0]);
  return '';
}
