import type { KrProgress } from '../../domain/types.ts';
import { lastPushKey, type LastPush, type SyncCommit, type SyncCommitResult, type SyncState, type SyncStateQuery } from '../store.ts';
import type { BookkeepingStatements } from './bookkeeping.statements.ts';
import { toDatapoint, type DatapointStatements } from './datapoint.statements.ts';
import type { OutboxStatements } from './outbox.statements.ts';
import type { RecordStatements } from './records.statements.ts';

export interface SqliteTables {
  datapoints: DatapointStatements;
  records: RecordStatements;
  bookkeeping: BookkeepingStatements;
  outbox: OutboxStatements;
}

/** readSyncState's rows; the caller wraps them in one read transaction. */
export function readSyncStateRows(tables: SqliteTables, query: SyncStateQuery): SyncState {
  const { records, bookkeeping, datapoints } = tables;
  const progress = new Map<string, KrProgress>();
  for (const kr of query.krs) {
    const latest = records.latestProgress(kr);
    if (latest) progress.set(kr, latest);
  }
  const notified = new Map<string, string>();
  for (const route of query.routes) {
    const at = bookkeeping.notified(query.kpi, route);
    if (at !== undefined) notified.set(route, at);
  }
  const lastPushed = new Map<string, LastPush>();
  for (const { kr, target } of query.pushes) {
    const push = bookkeeping.lastPush(kr, target);
    if (push) lastPushed.set(lastPushKey(kr, target), push);
  }
  const state: SyncState = {
    recent: datapoints.list(query.kpi, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, query.recent).map((row) => toDatapoint(query.kpi, row)),
    progress,
    notified,
    lastPushed,
  };
  const health = records.health(query.kpi);
  if (health) state.health = health;
  const last = records.lastTransition(query.kpi);
  if (last) {
    state.lastTransition = last;
    const start = records.episodeStart(query.kpi);
    if (start) state.episodeStart = start;
  }
  return state;
}

/** commitSync's rows, inside the caller's IMMEDIATE transaction: any throw rolls all of them back. */
export function commitSyncRows(tables: SqliteTables, commit: SyncCommit): SyncCommitResult {
  const { datapoints, records, bookkeeping, outbox } = tables;
  const result: SyncCommitResult = { written: 0, skipped: 0, outboxAdded: 0, progressAppended: 0 };
  if (commit.datapoints) {
    const { points, options } = commit.datapoints;
    const closedMs = options.closedBefore !== undefined && !options.rewriteClosed ? Date.parse(options.closedBefore) : Number.NEGATIVE_INFINITY;
    Object.assign(result, datapoints.upsertRows(points, closedMs));
  }
  if (commit.health) {
    records.putHealth(commit.kpi, commit.health.record);
    if (commit.health.transition) records.addTransition(commit.health.transition);
  }
  for (const progress of commit.progress ?? []) if (records.appendProgress(progress)) result.progressAppended += 1;
  if (commit.outbox?.length) result.outboxAdded = outbox.insert(commit.outbox);
  for (const { route, at } of commit.notified ?? []) bookkeeping.putNotified(commit.kpi, route, at);
  for (const { kr, target, push } of commit.lastPushed ?? []) bookkeeping.putLastPush(kr, target, push);
  if (commit.cursor) bookkeeping.putCursor(commit.kpi, commit.cursor.value);
  if (commit.backfill) bookkeeping.putBackfill(commit.kpi, commit.backfill.progress);
  if (commit.run) records.putRun(commit.run, Date.parse(commit.run.startedAt));
  return result;
}
