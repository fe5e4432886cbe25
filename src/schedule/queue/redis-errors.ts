import { KsError } from '../../sdk/errors.ts';

/** Socket-level failures: the server may be back in a moment. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * Redis replies that describe a passing state, not a bad command: still loading the
 * AOF, a long script running, a failover in progress.
 * https://redis.io/docs/latest/develop/reference/protocol-spec/#simple-errors
 */
const RETRYABLE_REPLY = /^(LOADING|BUSY|TRYAGAIN|READONLY|MASTERDOWN|CLUSTERDOWN|NOREPLICAS)\b/;

/** A KsError as-is; a Redis or connection failure as KS_ERR_STORE (Redis holds the queue) naming the operation. */
export function toRedisError(operation: string, error: unknown): KsError {
  if (error instanceof KsError) return error;
  const { code, name, message } = describe(error);
  const retryable =
    CONNECTION_CODES.has(code) ||
    name === 'MaxRetriesPerRequestError' ||
    /^Connection is closed|^Stream isn't writeable|Command timed out/.test(message) ||
    RETRYABLE_REPLY.test(message);
  const hint = message.startsWith('OOM')
    ? ' (Redis reached maxmemory; with noeviction it refuses writes rather than dropping data: raise maxmemory or free space)'
    : '';
  return new KsError('KS_ERR_STORE', `Redis ${operation} failed${code ? ` (${code})` : ''}: ${message}${hint}`, {
    retryable,
    cause: error,
  });
}

function describe(error: unknown): { code: string; name: string; message: string } {
  const record = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; name?: unknown };
  return {
    code: typeof record.code === 'string' ? record.code : '',
    name: typeof record.name === 'string' ? record.name : '',
    message: error instanceof Error ? error.message : String(error),
  };
}
