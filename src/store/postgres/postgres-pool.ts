import { Client, Pool, type ClientConfig, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
import type { Logger } from 'pino';
import type { PostgresTarget } from './postgres-url.ts';

/** What the query modules need: a pool or one checked-out client (inside a transaction). */
export interface Db {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
  query<R extends QueryResultRow>(config: { name: string; text: string; values?: unknown[] }): Promise<QueryResult<R>>;
}

export interface PoolSettings {
  poolSize: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
}

/**
 * The store's connection pool. statement_timeout and application_name travel in the
 * startup message, so every connection has them without an extra round trip.
 * connectTimeoutMs bounds opening a connection only: pg-pool applies its own
 * `connectionTimeoutMillis` to callers queued for a busy pool as well, and a full
 * pool must make callers wait (each holder is bounded by statement_timeout), not fail.
 */
export function createPool(url: string, settings: PoolSettings, target: PostgresTarget, logger?: Logger): Pool {
  const { connectTimeoutMs } = settings;
  class TimedClient extends Client {
    constructor(config?: string | ClientConfig) {
      super({ ...(typeof config === 'string' ? { connectionString: config } : config), connectionTimeoutMillis: connectTimeoutMs });
    }
  }
  const pool = new Pool({
    connectionString: url,
    max: settings.poolSize,
    application_name: 'kpi-sync',
    statement_timeout: settings.statementTimeoutMs,
    keepAlive: true,
    Client: TimedClient,
  });
  // An idle connection the server closed (restart, failover, idle timeout) is reported
  // here; without a listener it would crash the process. The pool drops it and opens a
  // new one on the next checkout.
  pool.on('error', (error) => {
    logger?.warn({ postgres: target.endpoint, error: target.scrub(error.message) }, 'postgres closed an idle pooled connection');
  });
  return pool;
}

/**
 * Runs `work` in one transaction on one pooled connection: COMMIT when it resolves,
 * ROLLBACK when it throws. A connection that failed mid-way is destroyed, not
 * returned to the pool.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: unknown;
  // The server can drop the connection between two statements; with no listener that
  // 'error' event would crash the process.
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken ??= rollbackError;
    }
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken === undefined ? undefined : broken instanceof Error ? broken : new Error(String(broken)));
  }
}
