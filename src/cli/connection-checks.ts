import { InvalidArgumentError } from 'commander';
import type { Logger } from 'pino';
import type { LoadedConnection } from '../config/catalog.ts';
import { createHttpClient } from '../sdk/http.ts';
import { toKsError, TransientError, type CheckResult, type ConnectionState, type KsError } from '../sdk/index.ts';

/**
 * `kpi-sync check`: every connection probed at once, each under its own deadline,
 * with one attempt per request. A check answers "does this work right now?"; the sync
 * client's retries and 30 s timeouts would turn one dead host into minutes (4 × 30 s)
 * and hold up every connection listed after it.
 */

export const DEFAULT_CHECK_TIMEOUT_MS = 10_000;
/** The client's own per-request timeout sits past the deadline, so a silent host always gets the deadline's words. */
const CLIENT_GRACE_MS = 1_000;

export interface CheckConnectionsOptions {
  timeoutMs: number;
  logger: Logger;
  /** Removes secrets from a line before it is printed. */
  scrub: (text: string) => string;
  write: (line: string) => void;
  /** The connection's shared state (a check that hits a rate limit pauses it for the syncs too). */
  connectionState: (connection: LoadedConnection) => ConnectionState;
}

type Outcome = { ok: true; result: CheckResult } | { ok: false; error: KsError };

/** `--timeout <ms>`: a whole number of milliseconds, at least 1. */
export function parseTimeoutMs(text: string): number {
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1) throw new InvalidArgumentError('expected a whole number of milliseconds, e.g. 5000');
  return ms;
}

/** One check: a client of its own (no retries, never longer than the deadline) and a deadline it cannot outlive. */
async function probe(connection: LoadedConnection, options: CheckConnectionsOptions): Promise<Outcome> {
  const { timeoutMs } = options;
  const controller = new AbortController();
  const defaults = connection.connector.http?.(connection.settings) ?? {};
  const http = createHttpClient({
    ...defaults,
    attempts: 1,
    timeoutMs: Math.min(defaults.timeoutMs ?? Infinity, timeoutMs + CLIENT_GRACE_MS),
    signal: controller.signal,
  });
  let timer: NodeJS.Timeout | undefined;
  // A race, not only the signal: a connector that ignores its signal still ends on time.
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new TransientError(`no answer within ${timeoutMs} ms (the check's deadline; --timeout <ms> changes it)`)), timeoutMs);
  });
  try {
    const check = connection.connector.check(connection.settings, {
      logger: options.logger.child({ connection: connection.id }),
      signal: controller.signal,
      http,
      baseDir: connection.baseDir,
      connectionState: options.connectionState(connection),
    });
    return { ok: true, result: await Promise.race([check, deadline]) };
  } catch (error) {
    return { ok: false, error: toKsError(error) };
  } finally {
    clearTimeout(timer);
    // Ends whatever the check still has in flight (the request to a host that never answered).
    controller.abort(new Error('the check is over'));
  }
}

/**
 * Checks `connections` in parallel and writes one line each, in the order given, as
 * soon as it and every line before it are known. Resolves to the number that failed.
 */
export async function checkConnections(connections: readonly LoadedConnection[], options: CheckConnectionsOptions): Promise<number> {
  const running = connections.map((connection) => probe(connection, options));
  let failed = 0;
  for (const [index, connection] of connections.entries()) {
    const outcome = await running[index]!;
    const name = `${connection.id} (${connection.type})`;
    if (outcome.ok) {
      options.write(options.scrub(`✔ ${name}: ${outcome.result.detail}\n`));
    } else {
      failed += 1;
      options.write(options.scrub(`✘ ${name}: ${outcome.error.code} ${outcome.error.message}\n`));
    }
  }
  return failed;
}
