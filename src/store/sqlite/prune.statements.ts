import type Database from 'better-sqlite3';
import type { OutboxEntry, SyncRun } from '../store.ts';
import { deliveredBefore, interruptedRun, PRUNE_BATCH } from '../prune-input.ts';

/** Where a walk in (ms, rowid) order stands: the last row it looked at. */
export interface WalkPosition {
  ms: number;
  rowid: number;
}

export const WALK_START: WalkPosition = { ms: Number.MIN_SAFE_INTEGER, rowid: Number.MIN_SAFE_INTEGER };

/** One batch of a walk: how many rows it looked at, how many it changed, where it stopped. */
export interface WalkStep {
  examined: number;
  changed: number;
  next: WalkPosition;
}

/**
 * The retention pass of the SQLite store, one batch per call (the caller wraps each
 * in its own IMMEDIATE transaction). Walks go forward by (ms, rowid), so rows a
 * batch keeps are never read again in the same pass.
 */
export class PruneStatements {
  readonly #running;
  readonly #markRun;
  readonly #oldRuns;
  readonly #deleteRun;
  readonly #oldDelivered;
  readonly #deleteOutbox;

  constructor(db: Database.Database) {
    // `status = 'running'` as a literal: the partial index sync_runs_running only serves queries that say so.
    this.#running = db.prepare<[number, number], { id: string; record: string }>(
      "SELECT id, record FROM sync_runs WHERE status = 'running' AND started_ms < ? ORDER BY started_ms LIMIT ?",
    );
    this.#markRun = db.prepare<[string, string, string]>('UPDATE sync_runs SET status = ?, record = ? WHERE id = ?');
    // A run is superseded when its KPI has a later one, in listRuns' order (start instant, then insertion).
    this.#oldRuns = db.prepare<[number, number, number, number], { rid: number; ms: number; superseded: number }>(
      `SELECT r.rowid AS rid, r.started_ms AS ms,
         EXISTS (SELECT 1 FROM sync_runs n WHERE n.kpi = r.kpi AND n.started_ms >= r.started_ms
                   AND (n.started_ms > r.started_ms OR n.rowid > r.rowid)) AS superseded
       FROM sync_runs r
       WHERE r.started_ms < ? AND (r.started_ms, r.rowid) > (?, ?)
       ORDER BY r.started_ms, r.rowid LIMIT ?`,
    );
    this.#deleteRun = db.prepare<[number]>('DELETE FROM sync_runs WHERE rowid = ?');
    // INDEXED BY: left to itself the planner picks outbox_due for `status = ?` and
    // sorts every delivered entry for each batch.
    this.#oldDelivered = db.prepare<[number, number, number, number], { rid: number; ms: number; record: string }>(
      `SELECT rowid AS rid, created_ms AS ms, record FROM outbox INDEXED BY outbox_by_created
       WHERE created_ms < ? AND (created_ms, rowid) > (?, ?) AND status IN ('delivered', 'silenced')
       ORDER BY created_ms, rowid LIMIT ?`,
    );
    this.#deleteOutbox = db.prepare<[number]>('DELETE FROM outbox WHERE rowid = ?');
  }

  /** Marks up to one batch of runs still running that started before `beforeMs` as interrupted; returns how many. */
  abandon(beforeMs: number, now: string): number {
    const rows = this.#running.all(beforeMs, PRUNE_BATCH);
    for (const row of rows) {
      const run = interruptedRun(JSON.parse(row.record) as SyncRun, now);
      this.#markRun.run(run.status, JSON.stringify(run), row.id);
    }
    return rows.length;
  }

  /** Deletes superseded runs among the next batch that started before `beforeMs`. */
  runs(beforeMs: number, after: WalkPosition): WalkStep {
    const rows = this.#oldRuns.all(beforeMs, after.ms, after.rowid, PRUNE_BATCH);
    let changed = 0;
    for (const row of rows) if (row.superseded) changed += this.#deleteRun.run(row.rid).changes;
    return step(rows, changed, after);
  }

  /** Deletes delivered and silenced entries delivered (or created) before `beforeMs` among the next batch created before it. */
  delivered(beforeMs: number, after: WalkPosition): WalkStep {
    const rows = this.#oldDelivered.all(beforeMs, after.ms, after.rowid, PRUNE_BATCH);
    let changed = 0;
    for (const row of rows) {
      if (deliveredBefore(JSON.parse(row.record) as OutboxEntry, beforeMs)) changed += this.#deleteOutbox.run(row.rid).changes;
    }
    return step(rows, changed, after);
  }
}

function step(rows: { rid: number; ms: number }[], changed: number, after: WalkPosition): WalkStep {
  const last = rows.at(-1);
  return { examined: rows.length, changed, next: last ? { ms: last.ms, rowid: last.rid } : after };
}
