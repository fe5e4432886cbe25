import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { postgresTarget } from './postgres-url.ts';

export interface WaitForPostgresOptions {
  /** Stops waiting: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** One warn line per failed attempt. */
  logger?: Logger;
  /** The first delay is 250 ms and doubles up to this. Default 5000. */
  maxDelayMs?: number;
  /** Bounds one connection attempt. Default 5000. */
  connectTimeoutMs?: number;
}

const FIRST_DELAY_MS = 250;

/**
 * Resolves once Postgres answers `SELECT 1` at `url`, trying with capped
 * exponential backoff meanwhile: a database that is down at start (a compose stack
 * coming up, a failover) costs a warning per attempt naming host:port and the
 * reason, never the password, instead of a crash loop.
 */
export async function waitForPostgres(url: string, options: WaitForPostgresOptions = {}): Promise<void> {
  const { signal, logger } = options;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  const target = postgresTarget(url);
  for (let attempt = 1; ; attempt += 1) {
    signal?.throwIfAborted();
    const error = await tryOnce(url, options.connectTimeoutMs ?? 5000, signal);
    if (error === undefined) {
      if (attempt > 1) logger?.info({ postgres: target.endpoint, attempts: attempt }, `postgres at ${target.endpoint} is up`);
      return;
    }
    signal?.throwIfAborted();
    const delay = Math.min(FIRST_DELAY_MS * 2 ** Math.min(attempt - 1, 20), maxDelayMs);
    const reason = target.scrub(describe(error));
    logger?.warn(
      { postgres: target.endpoint, attempt, retryInMs: delay, error: reason },
      `postgres at ${target.endpoint} unreachable (${reason}), retrying in ${Number((delay / 1000).toFixed(2))}s`,
    );
    await sleep(delay, undefined, signal ? { signal } : undefined).catch(() => signal?.throwIfAborted());
  }
}

/** One connection and `SELECT 1`; the error when it failed. An abort ends the attempt at once. */
async function tryOnce(url: string, connectTimeoutMs: number, signal: AbortSignal | undefined): Promise<unknown> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, application_name: 'kpi-sync' });
  client.on('error', () => undefined); // a drop after the check is not this function's concern
  const onAbort = () => void client.end().catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error ?? new Error('unknown error');
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await client.end().catch(() => undefined);
  }
}

function describe(error: unknown): string {
  const record = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown; errors?: unknown };
  if (!record.message && Array.isArray(record.errors) && record.errors.length > 0) return describe(record.errors[0]);
  const message = typeof record.message === 'string' && record.message ? record.message : String(error);
  return typeof record.code === 'string' && !message.includes(record.code) ? `${record.code}: ${message}` : message;
}
