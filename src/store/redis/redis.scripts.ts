import type { Redis } from 'ioredis';
import { PRUNE_SCRIPTS, type PruneReplies } from './redis-prune.scripts.ts';

/**
 * The Redis store's Lua scripts. A script runs atomically on the server, so every
 * read-modify-write (upsert, dedupe, enqueue-if-absent) is one round trip with no
 * interleaving; ioredis sends EVALSHA and falls back to EVAL after a server restart
 * flushed the script cache. Every key a script touches arrives in KEYS, except the
 * per-KPI run indexes of a run changing KPI and of runs being pruned (named from
 * the run's meta; under one prefix, with a {hash tag} in it on a Redis Cluster,
 * they share the slot of the rest). Scripts never re-encode records: Lua's %.14g
 * would round doubles (the retention scripts, redis-prune.scripts.ts, decode one
 * only to read its status). Values are compared as the JSON text JavaScript
 * wrote, which is the same for equal doubles.
 * https://redis.io/docs/latest/develop/interactive/programmability/eval-intro/
 */

/** HMGET in slices: unpack() of more than ~8000 values fails in Redis's Lua. */
const HMGET_CHUNKED = `
local function hmget(key, fields)
  local out = {}
  for i = 1, #fields, 1000 do
    local slice = {}
    for j = i, math.min(i + 999, #fields) do slice[#slice + 1] = fields[j] end
    local got = redis.call('HMGET', key, unpack(slice))
    for j = 1, #got do out[#out + 1] = got[j] end
  end
  return out
end
`;

/**
 * The outbox keys start at KEYS[b]: records, meta, seq, due, then one index per
 * (status, channel) at b + 4 + status * 2 + channel. meta = seq(16) createdSortable(17)
 * status(1) channel(1); an index member is seq:id, a due member createdSortable seq:id,
 * so equal scores fall back to creation, then insertion order.
 */
const OUTBOX_LIB = `
local function ob_put(b, id, json, s, c, created, createdSortable, nextMs, seq)
  redis.call('HSET', KEYS[b], id, json)
  redis.call('HSET', KEYS[b + 1], id, seq .. createdSortable .. s .. c)
  redis.call('ZADD', KEYS[b + 4 + s * 2 + c], created, seq .. ':' .. id)
  if s == 0 then redis.call('ZADD', KEYS[b + 3], nextMs, createdSortable .. seq .. ':' .. id) end
end
local function ob_insert(b, a)
  local added = 0
  for i = a, #ARGV, 7 do
    local id = ARGV[i]
    if redis.call('HEXISTS', KEYS[b], id) == 0 then
      local seq = string.format('%016d', redis.call('INCR', KEYS[b + 2]))
      ob_put(b, id, ARGV[i + 1], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]), ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], seq)
      added = added + 1
    end
  end
  return added
end
`;

/** Stored values that carry a comparable identity before the first newline. */
const SAME_IDENTITY = `
local function identity(stored)
  return string.sub(stored, 1, string.find(stored, '\\n', 1, true) - 1)
end
`;

const SCRIPTS = {
  /**
   * KEYS: (index zset, hash) per KPI. ARGV: closedMs or '', then per point
   * kpiPair, ms, identity, rest. Returns how many points were written.
   */
  ksUpsertDatapoints: {
    lua: `${SAME_IDENTITY}
local closed = tonumber(ARGV[1])
local written = 0
for i = 2, #ARGV, 4 do
  local k = tonumber(ARGV[i]) * 2
  local ms, id = ARGV[i + 1], ARGV[i + 2]
  local old = redis.call('HGET', KEYS[k], ms)
  local write = not old
  if old and not (closed and tonumber(ms) < closed) then write = identity(old) ~= id end
  if write then
    redis.call('HSET', KEYS[k], ms, id .. '\\n' .. ARGV[i + 3])
    if not old then redis.call('ZADD', KEYS[k - 1], ms, ms) end
    written = written + 1
  end
end
return written`,
  },
  /**
   * KEYS: zset, hash. ARGV: min, max, rev ('1' or '0'), limit or '', where the
   * record id starts in a member, and optionally how many members to skip (with a
   * limit). Members in score order, then their hash values.
   */
  ksRange: {
    readOnly: true,
    lua: `${HMGET_CHUNKED}
local members
local skip = ARGV[6] or 0
if ARGV[3] == '1' then
  if ARGV[4] == '' then members = redis.call('ZRANGE', KEYS[1], ARGV[2], ARGV[1], 'BYSCORE', 'REV')
  else members = redis.call('ZRANGE', KEYS[1], ARGV[2], ARGV[1], 'BYSCORE', 'REV', 'LIMIT', skip, ARGV[4]) end
else
  if ARGV[4] == '' then members = redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[2], 'BYSCORE')
  else members = redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[2], 'BYSCORE', 'LIMIT', skip, ARGV[4]) end
end
local from = tonumber(ARGV[5])
local ids = {}
for i = 1, #members do ids[i] = string.sub(members[i], from) end
return hmget(KEYS[2], ids)`,
  },
  /** KEYS: health hash, transitions list, outbox keys. ARGV: kpi, record, transition or '', outbox entries. */
  ksSaveHealth: {
    lua: `${OUTBOX_LIB}
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] ~= '' then redis.call('RPUSH', KEYS[2], ARGV[3]) end
return ob_insert(3, 4)`,
  },
  /** KEYS: outbox keys. ARGV: per entry id, json, status, channel, createdMs, createdSortable, nextMs. */
  ksEnqueueOutbox: {
    lua: `${OUTBOX_LIB}
return ob_insert(1, 1)`,
  },
  /** KEYS: outbox keys. ARGV: one entry as for enqueue. Returns 0 when the id is unknown. */
  ksUpdateOutbox: {
    lua: `${OUTBOX_LIB}
local id = ARGV[1]
local meta = redis.call('HGET', KEYS[2], id)
if not meta then return 0 end
local seq = string.sub(meta, 1, 16)
local s, c = tonumber(string.sub(meta, 34, 34)), tonumber(string.sub(meta, 35, 35))
redis.call('ZREM', KEYS[5 + s * 2 + c], seq .. ':' .. id)
redis.call('ZREM', KEYS[4], string.sub(meta, 17, 33) .. seq .. ':' .. id)
ob_put(1, id, ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7], seq)
return 1`,
  },
  /**
   * KEYS: records hash, then the index zsets to merge. ARGV: limit or ''.
   * Newest created first; equal instants newest insertion first.
   */
  ksListOutbox: {
    readOnly: true,
    lua: `${HMGET_CHUNKED}
local limit = tonumber(ARGV[1])
local all = {}
for k = 2, #KEYS do
  local r
  if limit then r = redis.call('ZRANGE', KEYS[k], '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, limit, 'WITHSCORES')
  else r = redis.call('ZRANGE', KEYS[k], '+inf', '-inf', 'BYSCORE', 'REV', 'WITHSCORES') end
  for i = 1, #r, 2 do all[#all + 1] = { tonumber(r[i + 1]), r[i] } end
end
table.sort(all, function(x, y)
  if x[1] ~= y[1] then return x[1] > y[1] end
  return x[2] > y[2]
end)
local ids = {}
for i = 1, #all do
  if limit and i > limit then break end
  ids[i] = string.sub(all[i][2], 18)
end
return hmget(KEYS[1], ids)`,
  },
  /** KEYS: the KR's list. ARGV: identity, record. Appends unless the last record has this identity. */
  ksRecordProgress: {
    lua: `${SAME_IDENTITY}
local last = redis.call('LINDEX', KEYS[1], -1)
if last and identity(last) == ARGV[1] then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1] .. '\\n' .. ARGV[2])
return 1`,
  },
  /**
   * KEYS: records, meta, seq, all-runs zset, this KPI's zset, running-runs zset.
   * ARGV: id, record, startedMs, kpi, per-KPI key prefix, '1' when the run is
   * running. meta = seq(16) kpi; the seq survives a re-save, so a run keeps its place
   * among runs that started at the same instant.
   */
  ksSaveRun: {
    lua: `
local id, kpi = ARGV[1], ARGV[4]
local meta = redis.call('HGET', KEYS[2], id)
local seq
if meta then
  seq = string.sub(meta, 1, 16)
  local old = string.sub(meta, 17)
  if old ~= kpi then redis.call('ZREM', ARGV[5] .. old, seq .. ':' .. id) end
else
  seq = string.format('%016d', redis.call('INCR', KEYS[3]))
end
redis.call('HSET', KEYS[2], id, seq .. kpi)
redis.call('HSET', KEYS[1], id, ARGV[2])
redis.call('ZADD', KEYS[4], ARGV[3], seq .. ':' .. id)
redis.call('ZADD', KEYS[5], ARGV[3], seq .. ':' .. id)
if ARGV[6] == '1' then redis.call('ZADD', KEYS[6], ARGV[3], seq .. ':' .. id)
else redis.call('ZREM', KEYS[6], seq .. ':' .. id) end
return 1`,
  },
  // Retention (RedisStore.pruneHistory): one batch a call.
  ...PRUNE_SCRIPTS,
} as const;

type ScriptName = keyof typeof SCRIPTS;
interface ListReplies extends PruneReplies {
  ksRange: (string | null)[];
  ksListOutbox: (string | null)[];
}
type Reply<N extends ScriptName> = N extends keyof ListReplies ? ListReplies[N] : number;

/** A script call: keys, then arguments; one EVALSHA round trip. */
export type ScriptCall = <N extends ScriptName>(name: N, keys: string[], args: (string | number)[]) => Promise<Reply<N>>;

/**
 * Registers the scripts on the connection (idempotent: several stores may share
 * one caller-owned connection) and returns a typed way to call them.
 */
export function defineScripts(redis: Redis): ScriptCall {
  for (const [name, script] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, { lua: script.lua, readOnly: 'readOnly' in script ? script.readOnly : false });
  }
  const commands = redis as unknown as Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>;
  return (async (name: ScriptName, keys: string[], args: (string | number)[]) =>
    commands[name](keys.length, ...keys, ...args)) as ScriptCall;
}
