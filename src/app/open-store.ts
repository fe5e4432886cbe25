import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../sdk/errors.ts';
import { openSqliteStore } from '../store/sqlite/sqlite.store.ts';
import type { Store } from '../store/store.ts';
import type { AppConfig } from './app-config.ts';

/** Which store a process uses, from --db, DATABASE_URL and settings.store. */
export type StoreTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; poolSize?: number; statementTimeoutMs?: number };

export interface OpenStoreOptions {
  /** Aborts a wait for Postgres (a stop signal while it is still down). */
  signal?: AbortSignal;
  /**
   * For `kpi-sync plan`: never creates or changes anything. A SQLite file that does
   * not exist yet reads as an empty store held in memory.
   */
  readonly?: boolean;
}

const DEFAULT_SQLITE = './data/kpi-sync.db';

/**
 * Postgres when DATABASE_URL (or settings.store.url) is a postgres:// URL, else the
 * SQLite file at --db, KPI_SYNC_DB or settings.store.path. DATABASE_URL wins over the
 * config, as KPI_SYNC_PORT does over settings.server.port.
 */
export function storeTarget(config: Pick<AppConfig, 'catalog' | 'options'>, env: NodeJS.ProcessEnv = process.env): StoreTarget {
  const settings = config.catalog.settings.store;
  const url = env.DATABASE_URL || settings?.url;
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url))
      throw new ConfigError('DATABASE_URL / settings.store.url must be a postgres:// URL (SQLite is chosen with settings.store.path or --db)');
    if (config.options.db) throw new ConfigError('--db names a SQLite file, but DATABASE_URL / settings.store.url selects Postgres; use one of them');
    return {
      kind: 'postgres',
      url,
      ...(settings?.poolSize === undefined ? {} : { poolSize: settings.poolSize }),
      ...(settings?.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: settings.statementTimeoutMs }),
    };
  }
  return { kind: 'sqlite', path: path.resolve(config.options.db ?? env.KPI_SYNC_DB ?? settings?.path ?? DEFAULT_SQLITE) };
}

/** The store the config asks for. Postgres is loaded only when used, and waited for (one log line per attempt). */
export async function openStore(config: Pick<AppConfig, 'catalog' | 'options' | 'logger'>, options: OpenStoreOptions = {}): Promise<Store> {
  const target = storeTarget(config);
  const { logger } = config;
  if (target.kind === 'sqlite') {
    if (options.readonly && !existsSync(target.path)) return openSqliteStore(':memory:', { logger });
    return openSqliteStore(target.path, { logger, readonly: options.readonly ?? false });
  }
  const { openPostgresStore } = await import('../store/postgres/postgres.store.ts');
  const { waitForPostgres } = await import('../store/postgres/wait-for-postgres.ts');
  await waitForPostgres(target.url, { logger, ...(options.signal ? { signal: options.signal } : {}) });
  return openPostgresStore(target.url, {
    logger,
    ...(target.poolSize === undefined ? {} : { poolSize: target.poolSize }),
    ...(target.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: target.statementTimeoutMs }),
  });
}
