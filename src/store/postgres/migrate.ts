import type { Pool, PoolClient } from 'pg';
import { KsError } from '../../sdk/errors.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';
import { toPostgresStoreError } from './postgres-errors.ts';

/** The session advisory lock that lets one process migrate while the others wait: "kpi-sync" in ASCII. */
export const MIGRATION_LOCK = '7741534055591112291';

export interface MigrationOutcome {
  from: number;
  to: number;
}

/**
 * Brings the database to the latest version in `migrations`. Many workers may open
 * the store at once: they queue on one advisory lock, the first applies the steps,
 * the others then read the new version and do nothing. Each step runs in its own
 * transaction with its row in schema_migrations, so a crash mid-migration leaves
 * the previous version intact. A database newer than this code is refused untouched.
 */
export async function migrate(pool: Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationOutcome> {
  checkOrder(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  const client = await pool.connect();
  const onError = () => undefined; // surfaces as the failing query's rejection
  client.on('error', onError);
  try {
    // A step on a big table, or the wait for another process's steps, may take
    // longer than the store's statement_timeout. The connection is destroyed afterwards.
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK]);
    try {
      return await migrateLocked(client, migrations, latest);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  } finally {
    client.off('error', onError);
    client.release(true);
  }
}

async function migrateLocked(client: PoolClient, migrations: readonly Migration[], latest: number): Promise<MigrationOutcome> {
  // to_regclass first: CREATE TABLE IF NOT EXISTS needs CREATE on the schema even when the table exists.
  const exists = await client.query<{ found: string | null }>("SELECT to_regclass('schema_migrations')::text AS found");
  if (exists.rows[0]?.found === null) {
    await client.query(`
      CREATE TABLE schema_migrations (
        version    integer PRIMARY KEY,
        name       text        NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
  }
  const from = await schemaVersion(client);
  if (from > latest) {
    throw new KsError(
      'KS_ERR_STORE',
      `The database has schema version ${from}, newer than this kpi-sync knows (${latest}). Upgrade kpi-sync, or point DATABASE_URL at another database.`,
    );
  }
  for (const step of migrations) {
    if (step.version <= from) continue;
    try {
      await client.query('BEGIN');
      await client.query(step.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [step.version, step.name]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      const wrapped = toPostgresStoreError(`migration ${step.version}`, error);
      const message = error instanceof Error ? error.message : String(error);
      throw new KsError('KS_ERR_STORE', `Migration ${step.version} (${step.name}) failed and was rolled back: ${message}`, {
        retryable: wrapped.retryable,
        cause: wrapped.cause,
      });
    }
  }
  return { from, to: await schemaVersion(client) };
}

/** The highest applied step; 0 for an empty database. */
export async function schemaVersion(client: Pick<PoolClient, 'query'>): Promise<number> {
  const result = await client.query<{ version: number }>('SELECT coalesce(max(version), 0)::int AS version FROM schema_migrations');
  return result.rows[0]?.version ?? 0;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((step, index) => {
    if (step.version !== index + 1) {
      throw new KsError('KS_ERR_INTERNAL', `Migration "${step.name}" has version ${step.version}, expected ${index + 1}.`);
    }
  });
}
