import type { SyncCommit, SyncCommitResult } from '../store.ts';
import { backfillSql, cursorSql, lastPushSql, notifiedSql } from './bookkeeping.ts';
import { instantOrNull } from './columns.ts';
import { upsertArrays, upsertRows, upsertSql } from './datapoints.ts';
import { outboxSql } from './outbox.ts';
import { inTransaction, type Db } from './postgres-pool.ts';
import type { Pool } from 'pg';
import { healthSql, isSuccess, lastSuccessSql, runSql, transitionSql, appendProgress, lockProgress } from './records.ts';
import { execute, type Params } from './statement.ts';

/**
 * commitSync against Postgres. Everything a sync writes but its KR progress is one
 * statement: each part (datapoints, health, transition, outbox, bookkeeping, run) is
 * a data-modifying CTE of it, so the whole commit is atomic and costs one round trip
 * (Postgres runs every data-modifying CTE to completion, read or not). A commit with
 * KR progress adds a transaction around it: progress is appended only when it
 * differs from the KR's latest record, under a per-KR lock, which one statement
 * cannot express. The caller has run checkSyncCommit, so every instant here parses.
 */
export async function commitSync(pool: Pool, commit: SyncCommit): Promise<SyncCommitResult> {
  const total = commit.datapoints?.points.length ?? 0;
  const result: SyncCommitResult = { written: 0, skipped: total, outboxAdded: 0, progressAppended: 0 };
  const run = async (db: Db): Promise<void> => {
    const statement = commitStatement(commit);
    if (!statement) return;
    const { rows } = await execute<{ written: number; outbox_added: number }>(db, statement);
    result.written = rows[0]!.written;
    result.skipped = total - result.written;
    result.outboxAdded = rows[0]!.outbox_added;
  };
  if (!commit.progress?.length) {
    await run(pool);
    return result;
  }
  const progress = commit.progress;
  return inTransaction(pool, async (client) => {
    await lockProgress(
      client,
      progress.map((p) => p.kr),
    );
    for (const p of progress) if (await appendProgress(client, p)) result.progressAppended += 1;
    await run(client);
    return result;
  });
}

/** The single statement of a commit (undefined when it writes nothing but progress). */
function commitStatement(commit: SyncCommit): ((p: Params) => string) | undefined {
  const { kpi } = commit;
  const rows = commit.datapoints ? upsertRows('commitSync', commit.datapoints.points) : [];
  const parts: [name: string, sql: (p: Params) => string][] = [];
  if (rows.length > 0) {
    const { options } = commit.datapoints!;
    const closedBefore = options.rewriteClosed ? null : instantOrNull(options.closedBefore);
    parts.push(['dp', (p) => `${upsertSql(p, upsertArrays(rows), closedBefore)} RETURNING 1`]);
  }
  const { health, outbox, notified, lastPushed, cursor, backfill, run } = commit;
  if (health) parts.push(['h', (p) => healthSql(p, kpi, health.record)]);
  if (health?.transition) parts.push(['t', (p) => transitionSql(p, health.transition!)]);
  if (outbox?.length) parts.push(['ob', (p) => `${outboxSql(p, outbox)} RETURNING 1`]);
  if (notified?.length) parts.push(['n', (p) => notifiedSql(p, kpi, notified)]);
  if (lastPushed?.length) parts.push(['lp', (p) => lastPushSql(p, lastPushed)]);
  if (cursor) parts.push(['c', (p) => cursorSql(p, kpi, cursor.value)]);
  if (backfill) parts.push(['b', (p) => backfillSql(p, kpi, backfill.progress)]);
  if (run) parts.push(['r', (p) => runSql(p, run)]);
  if (run && isSuccess(run)) parts.push(['ls', (p) => lastSuccessSql(p, run)]);
  if (parts.length === 0) return undefined;
  const has = (name: string) => parts.some(([part]) => part === name);
  return (p) =>
    `WITH ${parts.map(([name, sql]) => `${name} AS (${sql(p)})`).join(',\n')}
     SELECT ${has('dp') ? '(SELECT count(*) FROM dp)' : '0'}::int AS written, ${has('ob') ? '(SELECT count(*) FROM ob)' : '0'}::int AS outbox_added`;
}
