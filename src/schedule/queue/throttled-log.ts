import type { Logger } from 'pino';

/**
 * An error listener for BullMQ's emitters (an unhandled 'error' event would kill the
 * process) that logs the first error and then at most one line per `everyMs`, with
 * the number swallowed: a Redis restart makes every connection report each retry.
 */
export function throttledErrorLog(logger: Logger, message: string, everyMs = 10_000): (error: unknown) => void {
  let last = 0;
  let swallowed = 0;
  return (error: unknown) => {
    const now = Date.now();
    if (now - last < everyMs) {
      swallowed += 1;
      return;
    }
    last = now;
    const text = error instanceof Error ? error.message : String(error);
    logger.warn({ error: text, ...(swallowed > 0 ? { alsoSince: swallowed } : {}) }, message);
    swallowed = 0;
  };
}
