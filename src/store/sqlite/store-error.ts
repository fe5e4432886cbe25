import { KsError } from '../../sdk/errors.ts';

/**
 * SQLite result codes worth another attempt: another connection held the write
 * lock longer than busy_timeout, or a WAL snapshot went stale.
 * https://www.sqlite.org/rescode.html#busy
 */
const RETRYABLE = /^SQLITE_(BUSY|LOCKED)/;

/** A KsError as-is; a SQLite or other failure as KS_ERR_STORE naming the operation. */
export function toStoreError(operation: string, error: unknown): KsError {
  if (error instanceof KsError) return error;
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : '';
  const message = error instanceof Error ? error.message : String(error);
  return new KsError('KS_ERR_STORE', `Store ${operation} failed${code ? ` (${code})` : ''}: ${message}`, {
    retryable: RETRYABLE.test(code),
    cause: error,
  });
}
