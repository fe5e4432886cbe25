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
  {
    version: 4,
    name: "typed bookkeeping in its own tables; cursors are the connectors' alone",
    // The old `cursors` table held every kind of bookkeeping under a key prefix. Ids
    // are [a-z][a-z0-9_-]*, so the first ':' after a prefix splits its two ids.
    sql: `
      ALTER TABLE health_transitions ADD COLUMN from_state TEXT;
      ALTER TABLE health_transitions ADD COLUMN to_state TEXT;
      UPDATE health_transitions SET from_state = json_extract(record, '$.from'), to_state = json_extract(record, '$.to');
      CREATE INDEX health_transitions_from ON health_transitions (kpi, from_state, id);

      CREATE TABLE connector_cursors (kpi TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE alert_notified (
        kpi   TEXT NOT NULL,
        route TEXT NOT NULL,
        at    TEXT NOT NULL,
        PRIMARY KEY (kpi, route)
      ) WITHOUT ROWID;
      CREATE TABLE kr_push_last (
        kr     TEXT NOT NULL,
        target TEXT NOT NULL,
        record TEXT NOT NULL,
        PRIMARY KEY (kr, target)
      ) WITHOUT ROWID;
      CREATE TABLE destinations_disabled (destination TEXT PRIMARY KEY, record TEXT NOT NULL);
      CREATE TABLE backfill_progress (kpi TEXT PRIMARY KEY, record TEXT NOT NULL);
      CREATE TABLE connection_state (
        scope      TEXT NOT NULL,
        key        TEXT NOT NULL,
        value      TEXT NOT NULL,
        expires_ms INTEGER,
        PRIMARY KEY (scope, key)
      ) WITHOUT ROWID;

      INSERT INTO connector_cursors (kpi, value)
        SELECT substr(scope, 5), value FROM cursors WHERE scope LIKE 'kpi:%';
      INSERT INTO alert_notified (kpi, route, at)
        SELECT substr(rest, instr(rest, ':') + 1), substr(rest, 1, instr(rest, ':') - 1), json_extract(value, '$.at')
        FROM (SELECT substr(scope, 16) AS rest, value FROM cursors WHERE scope LIKE 'alert-notified:%')
        WHERE instr(rest, ':') > 0 AND json_extract(value, '$.at') IS NOT NULL;
      INSERT INTO kr_push_last (kr, target, record)
        SELECT substr(rest, 1, instr(rest, ':') - 1), substr(rest, instr(rest, ':') + 1), value
        FROM (SELECT substr(scope, 11) AS rest, value FROM cursors WHERE scope LIKE 'push-last:%')
        WHERE instr(rest, ':') > 0;
      INSERT INTO destinations_disabled (destination, record)
        SELECT substr(scope, 22), json_object('at', coalesce(json_extract(value, '$.at'), ''), 'status', json_extract(value, '$.status'), 'reason', coalesce(json_extract(value, '$.reason'), 'disabled'))
        FROM cursors WHERE scope LIKE 'destination-disabled:%';
      INSERT INTO backfill_progress (kpi, record)
        SELECT substr(scope, 10), value FROM cursors WHERE scope LIKE 'backfill:%';
      DROP TABLE cursors;
    `,
  },
  {
    version: 5,
    name: 'silences',
    // Few rows (operators add them by hand); ends_ms answers "active or ended lately".
    sql: `
      CREATE TABLE silences (
        id        TEXT PRIMARY KEY,
        kpi       TEXT,
        category  TEXT,
        starts_ms INTEGER NOT NULL,
        ends_ms   INTEGER NOT NULL,
        record    TEXT    NOT NULL
      );
      CREATE INDEX silences_by_end ON silences (ends_ms);
    `,
  },
  {
    version: 6,
    name: 'last successful sync of each KPI',
    // Kept apart from sync_runs so retention cannot delete it. Seeded from the ok runs
    // still stored; julianday reads ISO text with any offset. With max(), SQLite takes
    // the bare column finished_at from the row that has the maximum.
    sql: `
      CREATE TABLE kpi_last_success (
        kpi         TEXT PRIMARY KEY,
        finished_ms INTEGER NOT NULL,
        finished_at TEXT    NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO kpi_last_success (kpi, finished_ms, finished_at)
        SELECT kpi, max(ms), finished_at FROM (
          SELECT kpi, json_extract(record, '$.finishedAt') AS finished_at,
                 CAST(round((julianday(json_extract(record, '$.finishedAt')) - 2440587.5) * 86400000) AS INTEGER) AS ms
          FROM sync_runs WHERE status = 'ok'
        ) WHERE ms IS NOT NULL GROUP BY kpi;
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
      throw new KsError('KS_ERR_STORE', `Migration ${step.version} (${step.name}) of ${db.name} failed and was rolled back: ${message}`, { cause: error });
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
