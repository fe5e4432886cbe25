import type { PruneResult, SyncRun } from '../store.ts';
import { interruptedRun, PRUNE_BATCH, type PruneInstants } from '../prune-input.ts';
import type { Db } from './postgres-pool.ts';

/** Where a walk in (instant, seq) order stands: the last row it looked at, as Postgres wrote them. */
interface WalkPosition {
  at: string;
  seq: string;
}

const WALK_START: WalkPosition = { at: '-infinity', seq: '0' };

interface StepRow {
  examined: number;
  changed: number;
  next_at: string | null;
  next_seq: string | null;
}

/**
 * One batch of superseded runs: among the next PRUNE_BATCH runs that started before
 * $1 (in listRuns' order), delete those whose KPI has a later run. One statement,
 * so one short transaction; the walk moves forward, so kept runs are read once a pass.
 */
const RUNS_STEP = `
  WITH batch AS (
    SELECT r.id, r.started_at, r.seq,
           EXISTS (SELECT 1 FROM runs n WHERE n.kpi = r.kpi AND (n.started_at, n.seq) > (r.started_at, r.seq)) AS superseded
    FROM runs r
    WHERE r.started_at < $1::timestamptz AND (r.started_at, r.seq) > ($2::timestamptz, $3::bigint)
    ORDER BY r.started_at, r.seq
    LIMIT $4
  ), gone AS (
    DELETE FROM runs WHERE id IN (SELECT id FROM batch WHERE superseded) RETURNING 1
  ), last AS (
    SELECT started_at, seq FROM batch ORDER BY started_at DESC, seq DESC LIMIT 1
  )
  SELECT (SELECT count(*) FROM batch)::int AS examined, (SELECT count(*) FROM gone)::int AS changed,
         (SELECT started_at::text FROM last) AS next_at, (SELECT seq::text FROM last) AS next_seq`;

/** One batch of delivered and silenced entries created before $1, deleting those also delivered before it (prune-input's deliveredBefore). */
const OUTBOX_STEP = `
  WITH batch AS (
    SELECT id, created_at, seq, coalesce(delivered_at, created_at) < $1::timestamptz AS expired
    FROM outbox
    WHERE status IN ('delivered', 'silenced') AND created_at < $1::timestamptz AND (created_at, seq) > ($2::timestamptz, $3::bigint)
    ORDER BY created_at, seq
    LIMIT $4
  ), gone AS (
    DELETE FROM outbox WHERE id IN (SELECT id FROM batch WHERE expired) AND status IN ('delivered', 'silenced') RETURNING 1
  ), last AS (
    SELECT created_at, seq FROM batch ORDER BY created_at DESC, seq DESC LIMIT 1
  )
  SELECT (SELECT count(*) FROM batch)::int AS examined, (SELECT count(*) FROM gone)::int AS changed,
         (SELECT created_at::text FROM last) AS next_at, (SELECT seq::text FROM last) AS next_seq`;

/**
 * Marks up to one batch of runs still running that started before $1 as interrupted.
 * The outer `status = 'running'` is rechecked on each locked row, so a run its own
 * process finished meanwhile (or another pruner marked) is left alone.
 */
const ABANDON_STEP = `
  UPDATE runs SET status = 'failed', finished_at = $2::timestamptz, error_code = $3, error_message = $4,
                  record = record || $5::jsonb
  WHERE id IN (SELECT id FROM runs WHERE status = 'running' AND started_at < $1::timestamptz ORDER BY started_at LIMIT $6)
    AND status = 'running'`;

/**
 * The retention pass of the Postgres store (Store.pruneHistory), with the same
 * semantics and batch size as SQLite's: each batch is one statement (its own
 * transaction), so other writers wait at most one batch, and several processes may
 * prune at once.
 */
export async function pruneHistory(db: Db, { runsMs, deliveredMs, abandonedMs, now }: PruneInstants): Promise<PruneResult> {
  const runsDeleted = await walk(db, RUNS_STEP, iso(runsMs));
  const interrupted = interruptedRun({} as SyncRun, now);
  const patch = JSON.stringify({ status: interrupted.status, finishedAt: interrupted.finishedAt, error: interrupted.error });
  let runsAbandoned = 0;
  let marked: number;
  do {
    const result = await db.query(ABANDON_STEP, [
      iso(abandonedMs),
      iso(Date.parse(now)),
      interrupted.error!.code,
      interrupted.error!.message,
      patch,
      PRUNE_BATCH,
    ]);
    marked = result.rowCount ?? 0;
    runsAbandoned += marked;
  } while (marked === PRUNE_BATCH);
  const outboxDeleted = await walk(db, OUTBOX_STEP, iso(deliveredMs));
  return { runsDeleted, outboxDeleted, runsAbandoned };
}

/** Runs a step from WALK_START until a batch comes back short; returns the rows changed. */
async function walk(db: Db, step: string, before: string): Promise<number> {
  let changed = 0;
  let position = WALK_START;
  let examined: number;
  do {
    const row = (await db.query<StepRow>(step, [before, position.at, position.seq, PRUNE_BATCH])).rows[0]!;
    examined = row.examined;
    changed += row.changed;
    if (row.next_at !== null && row.next_seq !== null) position = { at: row.next_at, seq: row.next_seq };
  } while (examined === PRUNE_BATCH);
  return changed;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
