/*
 * The queue-mode Store: everything kpi-sync persists, in Redis, under one prefix P
 * (default `kpi-sync`). Instants are epoch-ms scores because ISO strings with
 * different offsets do not sort as text. Key layout (see redis-keys.ts):
 *
 *   P:schema                 string  layout version (1); a newer one is refused
 *   P:dp:z:<kpi>             zset    period ms → score period ms (the ordering)
 *   P:dp:h:<kpi>             hash    period ms → `[value,source,approx]\n[period,observedAt]`
 *   P:health                 hash    kpi → HealthRecord JSON
 *   P:tr:<kpi>               list    HealthTransition JSON, in save order
 *   P:kr:<kr>                list    `[value,progress,track]\n` + KrProgress JSON, in record order
 *   P:run:rec / P:run:meta   hash    run id → SyncRun JSON / seq(16) + kpi
 *   P:run:all, P:run:k:<kpi> zset    `seq:id` scored by start ms (seq breaks ties, kept on re-save)
 *   P:run:running            zset    the same members, only of runs whose status is running
 *   P:run:running-indexed    string  set once P:run:running also covers runs saved before it existed
 *   P:run:seq, P:ob:seq      string  insertion counters
 *   P:cursor                 hash    scope → cursor JSON
 *   P:ob:rec / P:ob:meta     hash    outbox id → OutboxEntry JSON / seq + created + status + channel
 *   P:ob:due                 zset    pending only: `created seq:id` scored by next-attempt ms
 *   P:ob:ix:<status>:<chan>  zset    `seq:id` scored by created ms, for listings
 *
 * Every multi-key change is one Lua script (redis.scripts.ts), so it is atomic and
 * one round trip: an upsert of 1,000 datapoints is a single EVALSHA. Retention
 * (pruneHistory, redis-prune.ts) is one script per batch of 1,000 records instead,
 * so deleting months of history never blocks Redis for more than milliseconds at
 * a time.
 */
import type { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import type { Datapoint, HealthRecord, HealthTransition, KrProgress } from '../../domain/types.ts';
import { KsError } from '../../sdk/errors.ts';
import type { DatapointQuery, OutboxEntry, OutboxQuery, PruneOptions, PruneResult, Store, SyncRun, UpsertOptions, UpsertResult } from '../store.ts';
import { checkLimit as limitOf, instant, invalidInput } from '../store-input.ts';
import { checkPruneOptions } from '../prune-input.ts';
import { toRedisStoreError } from './redis-errors.ts';
import { ID_AT, RedisKeys } from './redis-keys.ts';
import { pruneRedisHistory } from './redis-prune.ts';
import {
  decodeDatapoint,
  decodeProgress,
  outboxArgs,
  parsed,
  parseRecords,
  progressIdentity,
  upsertArgs,
} from './redis-records.ts';
import { checkRedis, closeRedisConnection, createRedisConnection } from './redis-requirements.ts';
import { defineScripts, type ScriptCall } from './redis.scripts.ts';

const SCHEMA_VERSION = 1;

export interface RedisStoreOptions {
  /** Key prefix; stores with different prefixes never see each other's data. Default `kpi-sync`. */
  prefix?: string;
  logger?: Logger;
  /** Check version and maxmemory-policy before the first use (default true). */
  checkRequirements?: boolean;
}

/**
 * Opens the Redis store. Given a connection, the caller owns it and `close()`
 * leaves it open; given a URL, the store makes its own (createRedisConnection) and
 * closes it. Over a createRedisConnection connection (`maxRetriesPerRequest: null`),
 * calls made while Redis is unreachable wait for the reconnect rather than fail.
 */
export async function openRedisStore(redis: Redis | string, options: RedisStoreOptions = {}): Promise<Store> {
  const keys = new RedisKeys(options.prefix ?? 'kpi-sync');
  const logger = options.logger ?? pino({ enabled: false });
  if (typeof redis !== 'string' && redis.options.keyPrefix) {
    // ioredis prefixes KEYS but not key names built inside scripts; BullMQ refuses it too.
    throw new KsError('KS_ERR_CONFIG', 'The Redis connection has ioredis keyPrefix set: drop it and pass the store a `prefix` instead.');
  }
  const owned = typeof redis === 'string';
  const connection = typeof redis === 'string' ? createRedisConnection(redis, logger) : redis;
  try {
    if (options.checkRequirements ?? true) await checkRedis(connection, logger);
    const [, [error, stored] = []] = (await connection.multi().set(keys.schema, SCHEMA_VERSION, 'NX').get(keys.schema).exec()) ?? [];
    if (error) throw error;
    const version = Number(stored);
    if (version > SCHEMA_VERSION) {
      throw new KsError(
        'KS_ERR_STORE',
        `The Redis keys under prefix "${keys.prefix}" have layout version ${version}, newer than this kpi-sync knows (${SCHEMA_VERSION}). ` +
          'Upgrade kpi-sync, or use another prefix.',
      );
    }
    logger.debug({ prefix: keys.prefix, schemaVersion: SCHEMA_VERSION }, 'store opened');
    return new RedisStore(connection, owned, keys);
  } catch (error) {
    if (owned) connection.disconnect();
    throw toRedisStoreError(`open (prefix ${keys.prefix})`, error);
  }
}

class RedisStore implements Store {
  readonly #redis: Redis;
  readonly #owned: boolean;
  readonly #keys: RedisKeys;
  readonly #script: ScriptCall;
  #closed = false;

  constructor(redis: Redis, owned: boolean, keys: RedisKeys) {
    this.#redis = redis;
    this.#owned = owned;
    this.#keys = keys;
    this.#script = defineScripts(redis);
  }

  upsertDatapoints(points: Datapoint[], options: UpsertOptions = {}): Promise<UpsertResult> {
    return this.#do('upsertDatapoints', async () => {
      let closed = '';
      if (options.closedBefore !== undefined && !options.rewriteClosed) {
        closed = String(instant('upsertDatapoints', 'closedBefore', options.closedBefore));
      }
      if (points.length === 0) return { written: 0, skipped: 0 };
      const { keys, args } = upsertArgs(this.#keys, points, closed);
      const written = await this.#script('ksUpsertDatapoints', keys, args);
      return { written, skipped: points.length - written };
    });
  }

  listDatapoints(kpi: string, query: DatapointQuery = {}): Promise<Datapoint[]> {
    return this.#do('listDatapoints', async () => {
      const from = query.from === undefined ? '-inf' : String(instant('listDatapoints', 'from', query.from));
      const to = query.to === undefined ? '+inf' : `(${instant('listDatapoints', 'to', query.to)}`;
      const limit = limitOf('listDatapoints', query.limit);
      if (limit === 0) return [];
      const recent = limit !== undefined;
      const values = await this.#range([this.#keys.datapointIndex(kpi), this.#keys.datapoints(kpi)], from, to, recent, limit, ID_AT.datapoint);
      const points = values.flatMap((value) => (value === null ? [] : [decodeDatapoint(kpi, value)]));
      return recent ? points.reverse() : points;
    });
  }

  latestDatapoint(kpi: string): Promise<Datapoint | undefined> {
    return this.#do('latestDatapoint', async () => {
      const [value] = await this.#range([this.#keys.datapointIndex(kpi), this.#keys.datapoints(kpi)], '-inf', '+inf', true, 1, ID_AT.datapoint);
      return typeof value === 'string' ? decodeDatapoint(kpi, value) : undefined;
    });
  }

  getHealth(kpi: string): Promise<HealthRecord | undefined> {
    return this.#do('getHealth', async () => parsed<HealthRecord>(await this.#redis.hget(this.#keys.health, kpi)));
  }

  saveHealth(kpi: string, record: HealthRecord, transition?: HealthTransition, outbox: OutboxEntry[] = []): Promise<void> {
    return this.#do('saveHealth', async () => {
      if (transition && transition.kpi !== kpi) {
        throw invalidInput('saveHealth', `transition is for KPI "${transition.kpi}", not "${kpi}"`);
      }
      const entries = outbox.flatMap((entry) => outboxArgs('saveHealth', entry));
      const keys = [this.#keys.health, this.#keys.transitions(kpi), ...this.#keys.outbox];
      await this.#script('ksSaveHealth', keys, [kpi, JSON.stringify(record), transition ? JSON.stringify(transition) : '', ...entries]);
    });
  }

  listTransitions(kpi: string, limit?: number): Promise<HealthTransition[]> {
    return this.#do('listTransitions', async () => {
      const items = await this.#tail(this.#keys.transitions(kpi), limitOf('listTransitions', limit));
      return items.map((item) => JSON.parse(item) as HealthTransition);
    });
  }

  recordProgress(progress: KrProgress): Promise<boolean> {
    return this.#do('recordProgress', async () => {
      if (!Number.isFinite(progress.value) || !Number.isFinite(progress.progress)) {
        throw invalidInput('recordProgress', `KR "${progress.kr}" has a non-finite value or progress`);
      }
      const added = await this.#script('ksRecordProgress', [this.#keys.progress(progress.kr)], [progressIdentity(progress), JSON.stringify(progress)]);
      return added === 1;
    });
  }

  latestProgress(kr: string): Promise<KrProgress | undefined> {
    return this.#do('latestProgress', async () => {
      const last = await this.#redis.lindex(this.#keys.progress(kr), -1);
      return last === null ? undefined : decodeProgress(last);
    });
  }

  listProgress(kr: string, limit?: number): Promise<KrProgress[]> {
    return this.#do('listProgress', async () =>
      (await this.#tail(this.#keys.progress(kr), limitOf('listProgress', limit))).map(decodeProgress),
    );
  }

  saveRun(run: SyncRun): Promise<void> {
    return this.#do('saveRun', async () => {
      const startedMs = instant('saveRun', 'startedAt', run.startedAt);
      const { records, meta, seq, all, running } = this.#keys.runs;
      await this.#script('ksSaveRun', [records, meta, seq, all, this.#keys.runsOfKpi(run.kpi), running], [
        run.id,
        JSON.stringify(run),
        String(startedMs),
        run.kpi,
        this.#keys.runsOfKpiPrefix,
        run.status === 'running' ? '1' : '0',
      ]);
    });
  }

  listRuns(query: { kpi?: string; limit?: number } = {}): Promise<SyncRun[]> {
    return this.#do('listRuns', async () => {
      const limit = limitOf('listRuns', query.limit);
      if (limit === 0) return [];
      const index = query.kpi === undefined ? this.#keys.runs.all : this.#keys.runsOfKpi(query.kpi);
      return parseRecords<SyncRun>(await this.#range([index, this.#keys.runs.records], '-inf', '+inf', true, limit, ID_AT.seq));
    });
  }

  getCursor(scope: string): Promise<unknown> {
    return this.#do('getCursor', async () => parsed<unknown>(await this.#redis.hget(this.#keys.cursors, scope)));
  }

  setCursor(scope: string, value: unknown): Promise<void> {
    return this.#do('setCursor', async () => {
      const json = JSON.stringify(value) as string | undefined;
      // undefined has no JSON form: storing it means forgetting the cursor.
      if (json === undefined) await this.#redis.hdel(this.#keys.cursors, scope);
      else await this.#redis.hset(this.#keys.cursors, scope, json);
    });
  }

  enqueueOutbox(entries: OutboxEntry[]): Promise<number> {
    return this.#do('enqueueOutbox', async () => {
      const args = entries.flatMap((entry) => outboxArgs('enqueueOutbox', entry));
      if (args.length === 0) return 0;
      return this.#script('ksEnqueueOutbox', this.#keys.outbox, args);
    });
  }

  dueOutbox(now: string, limit: number): Promise<OutboxEntry[]> {
    return this.#do('dueOutbox', async () => {
      const nowMs = instant('dueOutbox', 'now', now);
      const max = limitOf('dueOutbox', limit);
      if (max === 0) return [];
      const [records, , , due] = this.#keys.outbox as [string, string, string, string];
      return parseRecords<OutboxEntry>(await this.#range([due, records], '-inf', String(nowMs), false, max, ID_AT.due));
    });
  }

  updateOutbox(entry: OutboxEntry): Promise<void> {
    return this.#do('updateOutbox', async () => {
      const updated = await this.#script('ksUpdateOutbox', this.#keys.outbox, outboxArgs('updateOutbox', entry));
      if (updated === 0) throw invalidInput('updateOutbox', `no outbox entry "${entry.id}"`);
    });
  }

  getOutbox(id: string): Promise<OutboxEntry | undefined> {
    return this.#do('getOutbox', async () => parsed<OutboxEntry>(await this.#redis.hget(this.#keys.outbox[0]!, id)));
  }

  listOutbox(query: OutboxQuery = {}): Promise<OutboxEntry[]> {
    return this.#do('listOutbox', async () => {
      const limit = limitOf('listOutbox', query.limit);
      const indexes = this.#keys.outboxIndexes(query.status, query.channel);
      if (limit === 0 || indexes.length === 0) return [];
      return parseRecords<OutboxEntry>(await this.#script('ksListOutbox', [this.#keys.outbox[0]!, ...indexes], [limit ?? '']));
    });
  }

  pruneHistory(options: PruneOptions): Promise<PruneResult> {
    return this.#do('pruneHistory', async () =>
      pruneRedisHistory({ redis: this.#redis, keys: this.#keys, script: this.#script }, checkPruneOptions(options)),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#owned) await closeRedisConnection(this.#redis);
  }

  /** Records of a sorted index, in score order (`rev`: highest first), at most `limit`. */
  #range(keys: [string, string], min: string, max: string, rev: boolean, limit: number | undefined, idAt: number) {
    return this.#script('ksRange', keys, [min, max, rev ? '1' : '0', limit ?? '', idAt]);
  }

  /** A list's last `limit` items (all when undefined), oldest first. */
  async #tail(key: string, limit: number | undefined): Promise<string[]> {
    if (limit === 0) return [];
    return this.#redis.lrange(key, limit === undefined ? 0 : -limit, -1);
  }

  /** Runs one operation with errors as KsErrors; refuses once the store is closed. */
  async #do<T>(operation: string, work: () => Promise<T>): Promise<T> {
    if (this.#closed) throw invalidInput(operation, 'the store is closed');
    try {
      return await work();
    } catch (error) {
      throw toRedisStoreError(operation, error);
    }
  }
}
