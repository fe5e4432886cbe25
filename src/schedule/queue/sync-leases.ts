import type { Redis } from 'ioredis';
import { connectionLeaseKey, connectionRateKey, kpiLeaseKey } from './queue-names.ts';
import type { ConnectionLimits } from './queue-settings.ts';

/**
 * A KPI's lease is a string (holder, with a TTL); a connection's is a sorted set of
 * holder → expiry (ms, Redis's clock, so workers on machines with skewed clocks
 * agree) whose expired members are dropped before counting: a worker killed
 * mid-sync frees its slots when its lease runs out. The rate window is a sliding
 * log of start times. Everything is checked before anything is written, in one
 * script: a sync takes all its slots or none.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local holder, ttl, cap, rate = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local function earliest(key)
  local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return tonumber(first[2])
end
local current = redis.call('GET', KEYS[1])
if current and current ~= holder then
  return {1, math.max(1, redis.call('PTTL', KEYS[1]))}
end
if cap > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if not redis.call('ZSCORE', KEYS[2], holder) and redis.call('ZCARD', KEYS[2]) >= cap then
    return {2, math.max(1, earliest(KEYS[2]) - now)}
  end
end
if rate > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 60000)
  if redis.call('ZCARD', KEYS[3]) >= rate then
    return {3, math.max(1, earliest(KEYS[3]) + 60000 - now)}
  end
  redis.call('ZADD', KEYS[3], now, holder .. '@' .. now)
  redis.call('PEXPIRE', KEYS[3], 60000)
end
redis.call('SET', KEYS[1], holder, 'PX', ttl)
if cap > 0 then
  redis.call('ZADD', KEYS[2], now + ttl, holder)
  redis.call('PEXPIRE', KEYS[2], ttl * 2)
end
return {0, 0}`;

const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ttl)
if KEYS[2] and redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
  redis.call('PEXPIRE', KEYS[2], ttl * 2)
end
return 1`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if KEYS[2] then redis.call('ZREM', KEYS[2], ARGV[1]) end
return 0`;

/** Slots one sync holds; release them when the sync ends. */
export interface Lease {
  holder: string;
  keys: string[];
}

export type LeaseOutcome = { lease: Lease } | { busy: 'kpi' | 'connection' | 'rate'; retryInMs: number };

const BUSY = { 1: 'kpi', 2: 'connection', 3: 'rate' } as const;

/**
 * Cluster-wide slots for syncs: at most one sync per KPI at a time (as embedded
 * mode's keyed queue guarantees in one process), at most `maxConcurrent` per
 * connection, at most `ratePerMinute` starts per connection. OSS BullMQ has no
 * per-group limits, so this is a small Redis semaphore beside it.
 */
export class SyncLeases {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlMs: number;

  /** `ttlMs`: a lease not renewed for this long is free again (renew at a third of it). */
  constructor(redis: Redis, prefix: string, ttlMs: number) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#ttlMs = ttlMs;
    // EVALSHA with a fallback to EVAL after a restart emptied the script cache.
    redis.defineCommand('ksLeaseAcquire', { lua: ACQUIRE });
    redis.defineCommand('ksLeaseRenew', { lua: RENEW });
    redis.defineCommand('ksLeaseRelease', { lua: RELEASE });
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** `holder` identifies the job: a job re-run after its worker died takes its own old slots back. */
  async acquire(holder: string, kpiId: string, connectionId: string | undefined, limits: ConnectionLimits): Promise<LeaseOutcome> {
    const cap = connectionId ? (limits.maxConcurrent ?? 0) : 0;
    const rate = connectionId ? (limits.ratePerMinute ?? 0) : 0;
    const kpiKey = kpiLeaseKey(this.#prefix, kpiId);
    // Uncapped (formulas, connections without limits): one plain SET, no script.
    if (cap === 0 && rate === 0 && (await this.#redis.set(kpiKey, holder, 'PX', this.#ttlMs, 'NX')) === 'OK') {
      return { lease: { holder, keys: [kpiKey] } };
    }
    const keys = [kpiKey, connectionLeaseKey(this.#prefix, connectionId ?? ''), connectionRateKey(this.#prefix, connectionId ?? '')];
    const [status, wait] = (await this.#call('ksLeaseAcquire', keys, holder, this.#ttlMs, cap, rate)) as [number, number];
    if (status !== 0) return { busy: BUSY[status as 1 | 2 | 3], retryInMs: wait };
    return { lease: { holder, keys: cap > 0 ? keys.slice(0, 2) : keys.slice(0, 1) } };
  }

  /** Extends the lease; resolves to false when it had already expired (someone else may hold it). */
  async renew(lease: Lease): Promise<boolean> {
    return (await this.#call('ksLeaseRenew', lease.keys, lease.holder, this.#ttlMs)) === 1;
  }

  async release(lease: Lease): Promise<void> {
    await this.#call('ksLeaseRelease', lease.keys, lease.holder);
  }

  #call(name: 'ksLeaseAcquire' | 'ksLeaseRenew' | 'ksLeaseRelease', keys: string[], ...args: (string | number)[]): Promise<unknown> {
    const command = (this.#redis as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[name]!;
    return command.call(this.#redis, keys.length, ...keys, ...args);
  }
}
