import type Database from 'better-sqlite3';
import { KsError } from '../../sdk/errors.ts';

/**
 * One step of the SQLite schema. Versions start at 1 and go up by one; a step is
 * never edited once released: change the schema by appending a new step.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Timestamps stay ISO text as the callers wrote them (offset included); the
 * `*_ms` columns hold the same instant as epoch milliseconds because ISO strings
 * with different offsets do not sort lexically.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE datapoints (
        kpi         TEXT    NOT NULL,
        period_ms   INTEGER NOT NULL,
        period      TEXT    NOT NULL,
        value       REAL    NOT NULL,
        observed_at TEXT    NOT NULL,
        source      TEXT    NOT NULL,
        approximate INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (kpi, period_ms)
      ) WITHOUT ROWID;

      CREATE TABLE health (
        kpi    TEXT PRIMARY KEY,
        record TEXT NOT NULL
      );

      CREATE TABLE health_transitions (
        id     INTEGER PRIMARY KEY,
        kpi    TEXT NOT NULL,
        at     TEXT NOT NULL,
        record TEXT NOT NULL
      );
      CREATE INDEX health_transitions_by_kpi ON health_transitions (kpi, id);

      CREATE TABLE kr_progress (
        id       INTEGER PRIMARY KEY,
        kr       TEXT NOT NULL,
        value    REAL NOT NULL,
        progress REAL NOT NULL,
        track    TEXT NOT NULL,
        at       TEXT NOT NULL,
        record   TEXT NOT NULL
      );
      CREATE INDEX kr_progress_by_kr ON kr_progress (kr, id);

      CREATE TABLE sync_runs (
        id         TEXT PRIMARY KEY,
        kpi        TEXT    NOT NULL,
        status     TEXT    NOT NULL,
        started_at TEXT    NOT NULL,
        started_ms INTEGER NOT NULL,
        record     TEXT    NOT NULL
      );
      CREATE INDEX sync_runs_by_kpi ON sync_runs (kpi, started_ms);
      CREATE INDEX sync_runs_by_start ON sync_runs (started_ms);

      CREATE TABLE cursors (
        scope TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'outbox for alerts and KR pushes',
    sql: `
      CREATE TABLE outbox (
        id           TEXT PRIMARY KEY,
        channel      TEXT    NOT NULL,
        destination  TEXT    NOT NULL,
        status       TEXT    NOT NULL,
        created_ms   INTEGER NOT NULL,
        next_ms      INTEGER NOT NULL,
        record       TEXT    NOT NULL
      );
      CREATE INDEX outbox_due ON outbox (status, next_ms);
      CREATE INDEX outbox_by_created ON outbox (created_ms);
    `,
  },
  {
    version: 3,
    name: 'index of running sync runs',
    // Partial: it holds only the runs in flight (and those whose process died), so
    // the hourly retention pass finds interrupted runs without reading all history.
    sql: `
      CREATE INDEX sync_runs_running ON sync_runs (started_ms) WHERE status = 'running';
    `,
  },
];

export interface MigrationOutcome {
  from: number;
  to: number;
}

/**
 * Brings the file to the latest version in `migrations`. The version lives in
 * PRAGMA user_version, written in the same transaction as each step, so a crash
 * mid-migration leaves the previous version intact. IMMEDIATE transactions and a
 * re-read of the version inside them let two processes open the same file at once.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): MigrationOutcome {
  checkOrder(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  const from = userVersion(db);
  if (from > latest) {
    throw new KsError(
      'KS_ERR_STORE',
      `The database ${db.name} has schema version ${from}, newer than this kpi-sync knows (${latest}). ` +
        'Upgrade kpi-sync, or point it at another database file.',
    );
  }
  for (const step of migrations) {
    const apply = db.transaction(() => {
      if (userVersion(db) >= step.version) return;
      db.exec(step.sql);
      db.pragma(`user_version = ${step.version}`);
    });
    try {
      apply.immediate();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new KsError(
        'KS_ERR_STORE',
        `Migration ${step.version} (${step.name}) of ${db.name} failed and was rolled back: ${message}`,
        { cause: error },
      );
    }
  }
  return { from, to: userVersion(db) };
}

export function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((step, index) => {
    if (step.version !== index + 1) {
      throw new KsError('KS_ERR_INTERNAL', `Migration "${step.name}" has version ${step.version}, expected ${index + 1}.`);
    }
  });
}
