import { VIEWS_SQL } from './views.sql.ts';

/**
 * One step of the Postgres schema. Versions start at 1 and go up by one; a step is
 * never edited once released: change the schema by appending a new step.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Typed columns for what people query (timestamptz instants, double precision
 * values), plus the exact text the caller wrote: `*_iso` columns or a `record` jsonb
 * holding the whole object, which is what the store reads back. Typed instants
 * derived from optional, unvalidated fields are nullable (src/store/postgres/columns.ts).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE datapoints (
        kpi             text             NOT NULL,
        period          timestamptz      NOT NULL,
        period_iso      text             NOT NULL,
        value           double precision NOT NULL,
        observed_at     timestamptz,
        observed_at_iso text             NOT NULL,
        source          text             NOT NULL,
        approximate     boolean          NOT NULL DEFAULT false,
        PRIMARY KEY (kpi, period)
      );

      CREATE TABLE health (
        kpi           text PRIMARY KEY,
        state         text NOT NULL,
        since         timestamptz,
        pending_state text,
        pending_count integer,
        last_period   timestamptz,
        last_value    double precision,
        checked_at    timestamptz,
        record        jsonb NOT NULL
      );

      CREATE TABLE health_transitions (
        id         bigserial PRIMARY KEY,
        kpi        text NOT NULL,
        at         timestamptz,
        at_iso     text NOT NULL,
        from_state text NOT NULL,
        to_state   text NOT NULL,
        value      double precision,
        period     timestamptz,
        record     jsonb NOT NULL
      );
      -- A transition is identified by its KPI, instant (as written) and states: committing it twice records it once.
      CREATE UNIQUE INDEX health_transitions_identity ON health_transitions (kpi, at_iso, from_state, to_state);
      CREATE INDEX health_transitions_by_kpi ON health_transitions (kpi, id);
      CREATE INDEX health_transitions_from ON health_transitions (kpi, from_state, id);

      CREATE TABLE kr_progress (
        id              bigserial PRIMARY KEY,
        kr              text             NOT NULL,
        value           double precision NOT NULL,
        progress        double precision NOT NULL,
        expected        double precision,
        expected_at_due double precision,
        track           text             NOT NULL,
        at              timestamptz,
        record          jsonb            NOT NULL
      );
      CREATE INDEX kr_progress_by_kr ON kr_progress (kr, id);

      -- "runs", not "sync_runs": that name is the view people query (migration 2).
      -- seq is insertion order, the tie-break of runs that started at the same instant.
      CREATE TABLE runs (
        id            text PRIMARY KEY,
        seq           bigserial        NOT NULL,
        kpi           text             NOT NULL,
        source        text,
        mode          text,
        status        text             NOT NULL,
        started_at    timestamptz      NOT NULL,
        finished_at   timestamptz,
        duration_ms   double precision,
        raw_values    bigint,
        datapoints    bigint,
        rejected      bigint,
        error_code    text,
        error_message text,
        record        jsonb            NOT NULL
      );
      CREATE INDEX runs_by_kpi ON runs (kpi, started_at, seq);
      CREATE INDEX runs_by_start ON runs (started_at, seq);
      -- Partial: only runs in flight (and those whose process died), for the retention pass.
      CREATE INDEX runs_running ON runs (started_at) WHERE status = 'running';
      -- Partial: failures only, for "recent failed runs" on dashboards.
      CREATE INDEX runs_failed ON runs (started_at) WHERE status IN ('failed', 'aborted');

      CREATE TABLE outbox (
        id              text PRIMARY KEY,
        seq             bigserial   NOT NULL,
        event_id        text        NOT NULL,
        channel         text        NOT NULL,
        destination     text        NOT NULL,
        status          text        NOT NULL,
        attempts        integer,
        created_at      timestamptz NOT NULL,
        next_attempt_at timestamptz NOT NULL,
        last_attempt_at timestamptz,
        delivered_at    timestamptz,
        last_status     integer,
        last_error      text,
        record          jsonb       NOT NULL
      );
      CREATE INDEX outbox_due ON outbox (next_attempt_at, created_at, seq) WHERE status = 'pending';
      CREATE INDEX outbox_by_created ON outbox (created_at, seq);

      CREATE TABLE connector_cursors (
        kpi        text PRIMARY KEY,
        value      jsonb       NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE alert_notified (
        kpi    text NOT NULL,
        route  text NOT NULL,
        at     timestamptz,
        at_iso text NOT NULL,
        PRIMARY KEY (kpi, route)
      );
      CREATE TABLE kr_push_last (
        kr     text NOT NULL,
        target text NOT NULL,
        at     timestamptz,
        value  double precision,
        record jsonb NOT NULL,
        PRIMARY KEY (kr, target)
      );
      CREATE TABLE destinations_disabled (
        destination text PRIMARY KEY,
        at          timestamptz,
        status      integer,
        reason      text,
        record      jsonb NOT NULL
      );
      CREATE TABLE backfill_progress (
        kpi        text PRIMARY KEY,
        done       timestamptz,
        updated_at timestamptz,
        record     jsonb NOT NULL
      );
      CREATE TABLE connection_state (
        scope      text NOT NULL,
        key        text NOT NULL,
        value      jsonb NOT NULL,
        expires_at timestamptz,
        PRIMARY KEY (scope, key)
      );
    `,
  },
  {
    version: 2,
    name: 'views for dashboards and analysts',
    sql: VIEWS_SQL,
  },
  {
    version: 3,
    name: 'silences',
    sql: `
      CREATE TABLE silences (
        id         text PRIMARY KEY,
        kpi        text,
        category   text,
        starts_at  timestamptz NOT NULL,
        ends_at    timestamptz NOT NULL,
        reason     text        NOT NULL,
        created_by text        NOT NULL,
        removed_at timestamptz,
        record     jsonb       NOT NULL
      );
      CREATE INDEX silences_by_end ON silences (ends_at);
    `,
  },
  {
    version: 4,
    name: 'last successful sync of each KPI',
    // Kept apart from runs so retention cannot delete it; seeded from the ok runs still stored.
    sql: `
      CREATE TABLE kpi_last_success (
        kpi             text PRIMARY KEY,
        finished_at     timestamptz NOT NULL,
        finished_at_iso text        NOT NULL
      );
      INSERT INTO kpi_last_success (kpi, finished_at, finished_at_iso)
        SELECT DISTINCT ON (kpi) kpi, finished_at, record->>'finishedAt'
        FROM runs WHERE status = 'ok' AND finished_at IS NOT NULL AND record->>'finishedAt' IS NOT NULL
        ORDER BY kpi, finished_at DESC;
    `,
  },
];
