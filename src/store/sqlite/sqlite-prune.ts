import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import type { PruneResult } from '../store.ts';
import { PRUNE_BATCH, type PruneInstants } from '../prune-input.ts';
import { PruneStatements, WALK_START, type WalkPosition, type WalkStep } from './prune.statements.ts';

/** Runs a synchronous database call as the async Store API, with errors as KsErrors. */
export type StoreCall = <T>(work: () => T) => Promise<T>;

/**
 * The retention pass of the SQLite store (SqliteStore.pruneHistory): loops the
 * batches of PruneStatements. One IMMEDIATE transaction per batch: other
 * connections (a `kpi-sync run`, a backfill) wait at most one batch for the write
 * lock, and the event loop (syncs, the operations server) gets a turn between
 * batches.
 */
export class SqlitePruner {
  readonly #db: Database.Database;
  readonly #statements: PruneStatements;
  readonly #call: StoreCall;

  constructor(db: Database.Database, call: StoreCall) {
    this.#db = db;
    this.#statements = new PruneStatements(db);
    this.#call = call;
  }

  async prune({ runsMs, deliveredMs, abandonedMs, now }: PruneInstants): Promise<PruneResult> {
    const runsDeleted = await this.#walk((after) => this.#statements.runs(runsMs, after));
    let runsAbandoned = 0;
    let marked: number;
    do {
      marked = await this.#batch(() => this.#statements.abandon(abandonedMs, now));
      runsAbandoned += marked;
      await yieldToEventLoop();
    } while (marked === PRUNE_BATCH);
    const outboxDeleted = await this.#walk((after) => this.#statements.delivered(deliveredMs, after));
    return { runsDeleted, outboxDeleted, runsAbandoned };
  }

  #batch<T>(work: () => T): Promise<T> {
    return this.#call(() => this.#db.transaction(work).immediate());
  }

  /** Runs `next` a batch at a time from WALK_START until a batch comes back short; returns the rows changed. */
  async #walk(next: (after: WalkPosition) => WalkStep): Promise<number> {
    let changed = 0;
    let step: WalkStep = { examined: 0, changed: 0, next: WALK_START };
    do {
      const after = step.next;
      step = await this.#batch(() => next(after));
      changed += step.changed;
      await yieldToEventLoop();
    } while (step.examined === PRUNE_BATCH);
    return changed;
  }
}
