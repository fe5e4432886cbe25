/**
 * Migration 2: the views people query (Grafana's PostgreSQL data source, analysts).
 * Their names and columns are a public contract (deploy/grafana reads them): add
 * columns in a later migration with CREATE OR REPLACE VIEW, never rename or drop
 * one. Like every released step, this text is never edited.
 */
export const VIEWS_SQL = `
  CREATE VIEW kpi_datapoints AS
    SELECT kpi, period, value, observed_at, source, approximate
    FROM datapoints;
  COMMENT ON VIEW kpi_datapoints IS
    'One row per KPI and period: the value kpi-sync stored for that period (start of the bucket). Stable: columns are only ever added.';
  COMMENT ON COLUMN kpi_datapoints.period IS 'Start of the period bucket (the KPI''s time zone decides where it starts).';
  COMMENT ON COLUMN kpi_datapoints.observed_at IS 'When the value was read from its source; null if the source gave no readable instant.';
  COMMENT ON COLUMN kpi_datapoints.source IS 'Connection id the value came from, or formula.';
  COMMENT ON COLUMN kpi_datapoints.approximate IS 'The source gave an estimate (for example Jira''s approximate count).';

  CREATE VIEW sync_runs AS
    SELECT id, kpi, source, mode, status, started_at, finished_at, duration_ms,
           error_code, error_message, raw_values, datapoints, rejected
    FROM runs;
  COMMENT ON VIEW sync_runs IS
    'One row per sync run, kept for settings.retention (the latest run of every KPI always stays). Stable: columns are only ever added.';
  COMMENT ON COLUMN sync_runs.status IS 'running, ok, failed, deferred (API budget spent) or aborted (shutdown deadline).';
  COMMENT ON COLUMN sync_runs.mode IS 'current (a scheduled sync) or backfill.';
  COMMENT ON COLUMN sync_runs.error_code IS 'A KS_ERR_* code from the README''s catalogue, when the run failed.';
  COMMENT ON COLUMN sync_runs.datapoints IS 'Datapoints the run produced.';
  COMMENT ON COLUMN sync_runs.rejected IS 'Source rows the run could not use.';

  CREATE VIEW kr_progress_latest AS
    SELECT DISTINCT ON (kr) kr, value, progress, expected, expected_at_due, track, at
    FROM kr_progress
    ORDER BY kr, id DESC;
  COMMENT ON VIEW kr_progress_latest IS
    'The latest progress of every Key Result. Stable: columns are only ever added.';
  COMMENT ON COLUMN kr_progress_latest.progress IS 'Progress from start to target, 0..1.';
  COMMENT ON COLUMN kr_progress_latest.expected IS 'Where a straight line from start to due date says the KR should be now, 0..1.';
  COMMENT ON COLUMN kr_progress_latest.track IS 'on_track, at_risk, off_track or achieved.';

  -- Every KPI that has a datapoint, a health record or a run. The two recursive
  -- parts walk the primary key and runs_by_kpi one KPI at a time (a "loose index
  -- scan"), so the view costs one index probe per KPI, not a scan of all history.
  CREATE VIEW kpi_latest AS
    WITH RECURSIVE
      point_kpis(kpi) AS (
        (SELECT kpi FROM datapoints ORDER BY kpi LIMIT 1)
        UNION ALL
        SELECT (SELECT d.kpi FROM datapoints d WHERE d.kpi > p.kpi ORDER BY d.kpi LIMIT 1) FROM point_kpis p WHERE p.kpi IS NOT NULL
      ),
      run_kpis(kpi) AS (
        (SELECT kpi FROM runs ORDER BY kpi LIMIT 1)
        UNION ALL
        SELECT (SELECT r.kpi FROM runs r WHERE r.kpi > k.kpi ORDER BY r.kpi LIMIT 1) FROM run_kpis k WHERE k.kpi IS NOT NULL
      ),
      kpis(kpi) AS (
        SELECT kpi FROM point_kpis WHERE kpi IS NOT NULL
        UNION SELECT kpi FROM run_kpis WHERE kpi IS NOT NULL
        UNION SELECT kpi FROM health
      )
    SELECT k.kpi,
           d.period, d.value, d.observed_at, d.approximate,
           h.state AS health_state, h.since AS health_since,
           r.status AS last_run_status, r.started_at AS last_run_started_at,
           r.finished_at AS last_run_finished_at, r.error_code AS last_run_error_code
    FROM kpis k
    LEFT JOIN LATERAL (
      SELECT period, value, observed_at, approximate FROM datapoints WHERE kpi = k.kpi ORDER BY period DESC LIMIT 1
    ) d ON true
    LEFT JOIN health h ON h.kpi = k.kpi
    LEFT JOIN LATERAL (
      SELECT status, started_at, finished_at, error_code FROM runs WHERE kpi = k.kpi ORDER BY started_at DESC, seq DESC LIMIT 1
    ) r ON true;
  COMMENT ON VIEW kpi_latest IS
    'One row per KPI: its latest datapoint, its health and its last sync run. Stable: columns are only ever added.';
  COMMENT ON COLUMN kpi_latest.period IS 'Period of the latest datapoint; null when the KPI has none yet.';
  COMMENT ON COLUMN kpi_latest.health_state IS 'ok, warn, critical or no_data; null before the first evaluation.';
  COMMENT ON COLUMN kpi_latest.health_since IS 'When the KPI entered its current health state.';
  COMMENT ON COLUMN kpi_latest.last_run_status IS 'Status of the most recent sync run (see sync_runs.status).';
`;
