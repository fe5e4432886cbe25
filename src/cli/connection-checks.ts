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
  /** Called once per connection, in the order given, as soon as it and every one before it are known. */
  onOutcome?: (outcome: CheckOutcome) => void;
  /** The connection's shared state (a check that hits a rate limit pauses it for the syncs too). */
  connectionState: (connection: LoadedConnection) => ConnectionState;
}

/** One connection's verdict; `check -o json` prints these under `connections`. */
export type CheckOutcome =
  | { connection: string; type: string; ok: true; detail: string }
  | { connection: string; type: string; ok: false; error: { code: string; message: string; retryable: boolean } };

type Outcome = { ok: true; result: CheckResult } | { ok: false; error: KsError };

/** `✔ local (csv): …` or `✘ crm (salesforce): KS_ERR_AUTH …`, the line `check` prints. */
export function checkLine(outcome: CheckOutcome): string {
  const name = `${outcome.connection} (${outcome.type})`;
  return outcome.ok ? `✔ ${name}: ${outcome.detail}\n` : `✘ ${name}: ${outcome.error.code} ${outcome.error.message}\n`;
}

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
 * Checks `connections` in parallel and reports each, in the order given, as soon as it
 * and every one before it are known. Resolves to every outcome, in that order.
 */
export async function checkConnections(connections: readonly LoadedConnection[], options: CheckConnectionsOptions): Promise<CheckOutcome[]> {
  const running = connections.map((connection) => probe(connection, options));
  const outcomes: CheckOutcome[] = [];
  for (const [index, connection] of connections.entries()) {
    const probed = await running[index]!;
    const base = { connection: connection.id, type: connection.type };
    const outcome: CheckOutcome = probed.ok
      ? { ...base, ok: true, detail: probed.result.detail }
      : { ...base, ok: false, error: { code: probed.error.code, message: probed.error.message, retryable: probed.error.retryable } };
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  }
  return outcomes;
}
