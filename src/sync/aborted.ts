import { AbortedError, toKsError, type KsError } from '../sdk/index.ts';

/** The error a sync stopped by its abort signal is recorded with: the signal's reason when it is one of ours. */
export function abortedError(signal: AbortSignal): KsError {
  const reason: unknown = signal.reason;
  if (reason instanceof AbortedError) return reason;
  const why = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'the sync was aborted';
  return new AbortedError(`stopped before it finished: ${why}`, { cause: reason });
}

/**
 * Whether an error ended a sync because its signal fired: a connector may rethrow the
 * signal's reason, an AbortError of its own, or anything at all once the signal fired.
 */
export function isAbort(error: unknown, signal: AbortSignal): boolean {
  if (!signal.aborted) return false;
  const code = toKsError(error).code;
  if (code !== 'KS_ERR_ABORTED' && code !== 'KS_ERR_INTERNAL') {
    // A typed failure that happened to race the abort (a 401) is still that failure.
    return false;
  }
  return true;
}
