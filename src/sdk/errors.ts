import { ERROR_CODES, type ErrorCode } from './error-codes.ts';

/**
 * Base of every error kpi-sync raises on purpose. `retryable` tells schedulers and
 * HTTP helpers whether another attempt can help; `code` is a KS_ERR_* catalogue entry.
 * Messages never contain secrets: wrap vendor errors with `fromHttp`-style summaries,
 * not with the raw request config.
 */
export class KsError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** Bad configuration. Never retried: the operator has to change a file. */
export class ConfigError extends KsError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('KS_ERR_CONFIG', message, options);
  }
}

/** The source rejected the credentials. Never retried. */
export class AuthError extends KsError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('KS_ERR_AUTH', message, options);
  }
}

/** The credentials lack a permission. Never retried. */
export class PermissionError extends KsError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('KS_ERR_PERMISSION', message, options);
  }
}

/** A temporary failure worth another attempt after a backoff. */
export class TransientError extends KsError {
  constructor(message: string, options: { cause?: unknown; code?: 'KS_ERR_TRANSIENT' | 'KS_ERR_NETWORK' } = {}) {
    super(options.code ?? 'KS_ERR_TRANSIENT', message, { retryable: true, cause: options.cause });
  }
}

/** The source asked us to wait `retryAfterMs` before the next request. */
export class RateLimitedError extends KsError {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, options: { cause?: unknown } = {}) {
    super('KS_ERR_RATE_LIMITED', message, { retryable: true, cause: options.cause });
    this.retryAfterMs = retryAfterMs;
  }
}

/** The source rejected the query; `message` carries the source's own words. */
export class QueryError extends KsError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('KS_ERR_QUERY', message, options);
  }
}

/** The source answered with something its API does not document. */
export class BadResponseError extends KsError {
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super('KS_ERR_BAD_RESPONSE', message, options);
  }
}

/** A file or URL could not be read. */
export class SourceReadError extends KsError {
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super('KS_ERR_SOURCE_READ', message, options);
  }
}

/** The run was deferred to protect an API budget; not a failure. */
export class BudgetDeferredError extends KsError {
  constructor(message: string) {
    super('KS_ERR_BUDGET', message);
  }
}

/** An unknown id or a bad argument given to a command. Never retried. */
export class UsageError extends KsError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('KS_ERR_USAGE', message, options);
  }
}

/** A sync stopped by a shutdown at its deadline. Retryable: the next run, or another worker, does it. */
export class AbortedError extends KsError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('KS_ERR_ABORTED', message, { retryable: true, cause: options.cause });
  }
}

export function isRetryable(error: unknown): boolean {
  return toKsError(error).retryable;
}

/**
 * An error raised by another copy of this SDK (a connector package that bundles its
 * own, or a different version): recognised by its catalogued `code`, never by
 * `instanceof`, so it keeps its meaning across copies.
 */
function fromAnotherCopy(error: unknown): KsError | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, retryable, retryAfterMs } = error as Error & { code?: unknown; retryable?: unknown; retryAfterMs?: unknown };
  if (typeof code !== 'string' || !Object.hasOwn(ERROR_CODES, code)) return undefined;
  const options = { retryable: retryable === true, cause: error };
  if (code === 'KS_ERR_RATE_LIMITED' && typeof retryAfterMs === 'number') return new RateLimitedError(error.message, retryAfterMs, { cause: error });
  return new KsError(code as ErrorCode, error.message, options);
}

/** A KsError as-is (from this copy of the SDK or, by its code, from another), anything else as KS_ERR_INTERNAL with its message. */
export function toKsError(error: unknown): KsError {
  if (error instanceof KsError) return error;
  const other = fromAnotherCopy(error);
  if (other) return other;
  const message = error instanceof Error ? error.message : String(error);
  return new KsError('KS_ERR_INTERNAL', message, { cause: error });
}
