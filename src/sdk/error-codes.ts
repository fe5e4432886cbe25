/**
 * The one catalogue of error codes. Every code has a one-line explanation that the
 * README repeats (tests/unit/error-codes.test.ts checks it is documented there).
 */
export const ERROR_CODES = {
  KS_ERR_CONFIG: 'A config file is invalid: the message names the file, line, path and what was expected.',
  KS_ERR_SECRET_MISSING: 'A ${ENV_VAR} or ${file:/path} reference in the config could not be resolved.',
  KS_ERR_AUTH: 'The source rejected the credentials (401, expired or revoked token). Not retried.',
  KS_ERR_PERMISSION: 'The credentials are valid but lack a permission the query needs (403). Not retried.',
  KS_ERR_RATE_LIMITED: 'The source asked us to slow down (429 or its own limit signal). Retried after the time it asked for.',
  KS_ERR_TRANSIENT: 'A temporary failure: 5xx, timeout, connection reset. Retried with backoff and jitter.',
  KS_ERR_QUERY: "The source rejected the query; the source's own message is included. Not retried.",
  KS_ERR_NETWORK: 'The host could not be reached (DNS failure, connection refused). Retried with backoff.',
  KS_ERR_BAD_RESPONSE: 'The source answered with a body that is not what its API documents (for example not JSON).',
  KS_ERR_SOURCE_READ: 'A file or URL could not be read (missing file, permission denied).',
  KS_ERR_QUALITY:
    "A data quality gate refused the run (too many rejected rows, or too few used): nothing was stored, the previous values stay in force, and an alert names the counts and the first rejected lines. Not retried: fix the source or the connection's settings.",
  KS_ERR_FORMULA: 'A formula KPI could not be evaluated for a period (missing input, division by zero).',
  KS_ERR_BUDGET: "The run was deferred because the connection's API budget is spent. Not a failure.",
  KS_ERR_ABORTED:
    'The sync was stopped by a shutdown at its deadline before it finished; nothing of it was written, and the next run (or another worker) tries again.',
  KS_ERR_USAGE: 'A command was given an unknown id or a bad argument; the message names it and suggests the closest known one. Not a bug.',
  KS_ERR_INTERRUPTED:
    'A worker died mid-sync (killed, crashed, out of memory) and another worker took its job over; the interrupted attempt is recorded with this code. The sync itself runs again.',
  KS_ERR_STORE: 'The store could not be read or written.',
  KS_ERR_INTERNAL: 'An unexpected error: a bug. Please report it with the log line.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
