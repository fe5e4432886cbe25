import type { SyncCommit, SyncCommitResult } from '../store.ts';
import * as bookkeeping from './bookkeeping.ts';
import { upsertDatapoints, upsertRows } from './datapoints.ts';
import { instantOrNull } from './columns.ts';
import { insertOutbox } from './outbox.ts';
import type { Db } from './postgres-pool.ts';
import * as records from './records.ts';

/**
 * commitSync's statements, inside the caller's transaction on one connection: any
 * throw rolls all of them back. The caller has run checkSyncCommit, so every
 * instant here parses. Parts a commit does not carry cost no round trip.
 */
export async function commitSyncRows(db: Db, commit: SyncCommit): Promise<SyncCommitResult> {
  const result: SyncCommitResult = { written: 0, skipped: 0, outboxAdded: 0, progressAppended: 0 };
  if (commit.datapoints) {
    const { points, options } = commit.datapoints;
    const closedBefore = options.rewriteClosed ? null : instantOrNull(options.closedBefore);
    Object.assign(result, await upsertDatapoints(db, points.length, upsertRows('commitSync', points), closedBefore));
  }
  if (commit.health) {
    await records.putHealth(db, commit.kpi, commit.health.record);
    if (commit.health.transition) await records.addTransition(db, commit.health.transition);
  }
  if (commit.progress?.length) {
    await records.lockProgress(db, commit.progress.map((p) => p.kr));
    for (const progress of commit.progress) if (await records.appendProgress(db, progress)) result.progressAppended += 1;
  }
  if (commit.outbox?.length) result.outboxAdded = await insertOutbox(db, commit.outbox);
  for (const { route, at } of commit.notified ?? []) await bookkeeping.putNotified(db, commit.kpi, route, at);
  for (const { kr, target, push } of commit.lastPushed ?? []) await bookkeeping.putLastPush(db, kr, target, push);
  if (commit.cursor) await bookkeeping.putCursor(db, commit.kpi, commit.cursor.value);
  if (commit.backfill) await bookkeeping.putBackfill(db, commit.kpi, commit.backfill.progress);
  if (commit.run) {
    await records.putRun(db, commit.run);
    await records.putLastSuccess(db, commit.run);
  }
  return result;
}
