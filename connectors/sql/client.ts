import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { TransientError } from '../../src/sdk/index.ts';
import { toSqlError } from './errors.ts';
import type { SqlResult } from './map.ts';
import { SessionPool } from './pool.ts';
import type { SqlConnection } from './schema.ts';
import { bounded, type OpenSession, type RunStatement, type Session } from './session.ts';
import { resolveTarget, type Target } from './target.ts';

/**
 * Statements to the server: a small pool per connection, every statement in a
 * read-only transaction with the server's statement timeout, and nothing waited on
 * after ctx.signal aborts. On an abort (or when the server stays silent past the
 * timeout plus a grace) the socket is destroyed at once and the statement is
 * cancelled on the server from a second connection, so the query is gone there
 * too; the session is never reused.
 */

/** How long idle sessions stay open between runs. */
const IDLE_MS = 30_000;
/** How far past statementTimeoutMs the client waits for the server's own timeout before giving up on it. */
const GRACE_MS = 5_000;

const pools = new Map<string, SessionPool>();

async function opener(target: Target): Promise<OpenSession> {
  // The driver is loaded here, on the first query or check, never when a config is validated.
  if (target.dialect === 'postgres') return (await import('./postgres-driver.ts')).openPostgres;
  return (await import('./mysql-driver.ts')).openMysql;
}

export interface SqlClient {
  target: Target;
  /**
   * Runs `work` with one session: each `run` is one statement in its own read-only
   * transaction. Errors come out typed (toSqlError), credentials scrubbed.
   */
  session<T>(work: (run: RunStatement) => Promise<T>): Promise<T>;
}

export interface SqlClientOptions {
  settings: SqlConnection;
  baseDir: string;
  signal: AbortSignal;
  logger: Logger;
  /** A connection of its own, closed afterwards (check), instead of the pool. */
  unpooled?: boolean;
}

export function createSqlClient(options: SqlClientOptions): SqlClient {
  const { settings, baseDir, signal, logger } = options;
  const target = resolveTarget(settings, baseDir);
  return {
    target,
    async session(work) {
      const open = await opener(target);
      let session: Session;
      const pool = options.unpooled ? undefined : poolFor(settings, baseDir, target, open);
      try {
        session = pool ? await pool.acquire(signal) : await open(target, signal);
      } catch (error) {
        throw toSqlError(error, target, 'connect');
      }
      let reusable = true;
      const run: RunStatement = async (text, values) => {
        const started = performance.now();
        try {
          const result = await bounded(
            session.readOnly((statement) => statement(text, values)),
            {
              signal,
              timeoutMs: target.statementTimeoutMs + GRACE_MS,
              what: `query on ${target.label}`,
              stop: async () => {
                reusable = false;
                session.destroy();
                await session
                  .cancel()
                  .catch((error: unknown) =>
                    logger.warn({ database: target.label, error: target.scrub(String(error)) }, 'could not cancel the query on the server'),
                  );
              },
            },
          );
          // MySQL's SLEEP() and BENCHMARK() (and MariaDB's) return early with 1 or 0
          // instead of failing when the statement limit interrupts them: a result
          // that took the whole limit may be cut short, and is not taken as right.
          const elapsed = performance.now() - started;
          if (elapsed >= target.statementTimeoutMs) {
            throw new TransientError(
              `${target.label}: the query took ${Math.round(elapsed)} ms, the whole statementTimeoutMs (${target.statementTimeoutMs} ms): the server may have cut it short; make it cheaper or raise the limit`,
            );
          }
          return result;
        } catch (error) {
          // A session whose statement failed may be mid-way through anything: start afresh.
          if (session.broken) reusable = false;
          throw toSqlError(error, target, 'query');
        }
      };
      try {
        return await work(run);
      } finally {
        if (pool) pool.release(session, reusable);
        else await session.close();
      }
    },
  };
}

/** One pool per distinct connection settings (and config folder), shared by every run in this process. */
function poolFor(settings: SqlConnection, baseDir: string, target: Target, open: OpenSession): SessionPool {
  // A digest, so the password is not kept as a map key.
  const key = createHash('sha256')
    .update(JSON.stringify([settings, baseDir]))
    .digest('hex');
  let pool = pools.get(key);
  if (!pool) {
    const forget = () => {
      if (pools.get(key) === created) pools.delete(key);
    };
    const created = new SessionPool((signal) => open(target, signal), settings.poolSize, IDLE_MS, forget, target.label);
    pools.set(key, created);
    pool = created;
  }
  return pool;
}

/** Closes every idle pooled session of this process (tests, benchmarks). */
export async function closeIdleSessions(): Promise<void> {
  await Promise.all([...pools.values()].map((pool) => pool.closeIdle()));
}

export type { SqlResult };
