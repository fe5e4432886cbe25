import type { Redis } from 'ioredis';
import type { OutboxEntry, PruneResult, SyncRun } from '../store.ts';
import { deliveredBefore, interruptedRun, PRUNE_BATCH, type PruneInstants } from '../prune-input.ts';
import { ID_AT, OUTBOX_CHANNELS, OUTBOX_STATUS, type RedisKeys } from './redis-keys.ts';
import { parseRecords } from './redis-records.ts';
import type { ScriptCall } from './redis.scripts.ts';

/*
 * The retention pass of the Redis store (RedisStore.pruneHistory): one script per
 * batch of PRUNE_BATCH records (redis-prune.scripts.ts), so deleting months of
 * history never blocks Redis for more than milliseconds at a time. Keys (P:…) as
 * in the layout atop redis.store.ts.
 */

/** What the pass works with: the store's connection, keys and script caller. */
export interface PruneContext {
  redis: Redis;
  keys: RedisKeys;
  script: ScriptCall;
}

export async function pruneRedisHistory(ctx: PruneContext, { runsMs, deliveredMs, abandonedMs, now }: PruneInstants): Promise<PruneResult> {
  const runsDeleted = await pruneRuns(ctx, runsMs);
  await indexRunning(ctx);
  const runsAbandoned = await abandonRuns(ctx, abandonedMs, now);
  let outboxDeleted = 0;
  for (const channel of OUTBOX_CHANNELS) outboxDeleted += await pruneDelivered(ctx, channel, deliveredMs);
  return { runsDeleted, outboxDeleted, runsAbandoned };
}

/**
 * Fills P:run:running from every stored run, once: keys written before that index
 * existed have running runs only P:run:all knows about. Ranks are stable enough
 * for a walk: new runs start now, at the end of P:run:all.
 */
async function indexRunning({ redis, keys, script }: PruneContext): Promise<void> {
  const { all, records, running, runningIndexed } = keys.runs;
  if (await redis.exists(runningIndexed)) return;
  for (let from = 0, read = PRUNE_BATCH; read === PRUNE_BATCH; from += read) {
    read = await script('ksIndexRunning', [all, records, running], [from, PRUNE_BATCH]);
  }
  await redis.set(runningIndexed, '1');
}

/** Marks runs still running that started before `beforeMs` as interrupted, a batch per round. */
async function abandonRuns({ keys, script }: PruneContext, beforeMs: number, now: string): Promise<number> {
  const { records, running } = keys.runs;
  let abandoned = 0;
  for (;;) {
    const pairs = await script('ksRunningBefore', [running, records], [beforeMs, PRUNE_BATCH]);
    const args: string[] = [];
    for (let i = 0; i < pairs.length; i += 2) {
      const [member, json] = [pairs[i]!, pairs[i + 1]!];
      const run = json === '' ? undefined : (JSON.parse(json) as SyncRun);
      // A run that is gone or no longer running is only dropped from the index:
      // no record equals '', so the script replaces nothing for it.
      if (run?.status === 'running') args.push(member, json, JSON.stringify(interruptedRun(run, now)));
      else args.push(member, '', '');
    }
    if (args.length === 0) return abandoned;
    const [replaced, dropped] = await script('ksAbandonRuns', [records, running], args);
    abandoned += replaced;
    // dropped 0: every member changed since it was read and is still running; the next pass looks again.
    if (pairs.length / 2 < PRUNE_BATCH || dropped === 0) return abandoned;
  }
}

/** Deletes runs that started before `beforeMs`, but the latest of each KPI, a batch per script call. */
async function pruneRuns({ keys, script }: PruneContext, beforeMs: number): Promise<number> {
  const { records, meta, all, running } = keys.runs;
  let deleted = 0;
  // Kept runs stay in P:run:all ahead of the rest, so each batch skips those kept so far.
  for (let skip = 0, read = PRUNE_BATCH; read === PRUNE_BATCH; ) {
    const [batchRead, kept, batchDeleted] = await script('ksPruneRuns', [records, meta, all, running], [
      beforeMs,
      skip,
      PRUNE_BATCH,
      keys.runsOfKpiPrefix,
    ]);
    [read, skip, deleted] = [batchRead, skip + kept, deleted + batchDeleted];
  }
  return deleted;
}

/**
 * Deletes one channel's delivered entries delivered before `beforeMs`. The
 * delivered index is scored by creation, so candidates are read (created before
 * the cutoff), their deliveredAt checked here (Lua cannot compare ISO instants
 * with offsets), and the ones due deleted by a script that re-checks the status.
 */
async function pruneDelivered({ keys, script }: PruneContext, channel: OutboxEntry['channel'], beforeMs: number): Promise<number> {
  const [index] = keys.outboxIndexes(['delivered'], channel) as [string];
  const records = keys.outbox[0]!;
  let deleted = 0;
  for (let skip = 0, read = PRUNE_BATCH; read === PRUNE_BATCH; ) {
    const values = await script('ksRange', [index, records], ['-inf', `(${beforeMs}`, '0', PRUNE_BATCH, ID_AT.seq, skip]);
    const due = parseRecords<OutboxEntry>(values).filter((entry) => deliveredBefore(entry, beforeMs));
    const batchDeleted = due.length === 0 ? 0 : await script('ksDeleteDelivered', keys.outbox, [OUTBOX_STATUS.delivered, ...due.map((e) => e.id)]);
    [read, skip, deleted] = [values.length, skip + values.length - batchDeleted, deleted + batchDeleted];
  }
  return deleted;
}
