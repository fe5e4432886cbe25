/*
 * The retention scripts (RedisPruner, behind RedisStore.pruneHistory), merged into
 * the script registry of redis.scripts.ts. Each call handles at most one batch (the
 * caller's limit), so no script blocks Redis for long; the caller loops. They read
 * the member and meta layouts the other scripts write: run members `seq:id` and
 * meta seq(16) kpi (ksSaveRun), outbox meta and indexes as in OUTBOX_LIB.
 */
export const PRUNE_SCRIPTS = {
  /**
   * KEYS: all-runs zset, records, running-runs zset. ARGV: rank to start at, how
   * many. Adds the runs in that rank range whose record is running to the running
   * zset: builds it for runs saved before it existed. Returns how many it read.
   */
  ksIndexRunning: {
    lua: `
local from = tonumber(ARGV[1])
local r = redis.call('ZRANGE', KEYS[1], from, from + tonumber(ARGV[2]) - 1, 'WITHSCORES')
for i = 1, #r, 2 do
  local json = redis.call('HGET', KEYS[2], string.sub(r[i], 18))
  if json and cjson.decode(json).status == 'running' then redis.call('ZADD', KEYS[3], r[i + 1], r[i]) end
end
return #r / 2`,
  },
  /**
   * KEYS: running-runs zset, records. ARGV: beforeMs, limit. The oldest members that
   * started before beforeMs, each followed by its record ('' when there is none).
   */
  ksRunningBefore: {
    readOnly: true,
    lua: `
local members = redis.call('ZRANGE', KEYS[1], '-inf', '(' .. ARGV[1], 'BYSCORE', 'LIMIT', 0, ARGV[2])
local out = {}
for i = 1, #members do
  out[#out + 1] = members[i]
  out[#out + 1] = redis.call('HGET', KEYS[2], string.sub(members[i], 18)) or ''
end
return out`,
  },
  /**
   * KEYS: records, running-runs zset. ARGV: per run member, the record as read,
   * the interrupted record. Replaces a record only if it is still the one read (its
   * process may have finished it meanwhile); drops a member whose run is gone or no
   * longer running. Returns { replaced, dropped from the running zset }.
   */
  ksAbandonRuns: {
    lua: `
local replaced, dropped = 0, 0
for i = 1, #ARGV, 3 do
  local member = ARGV[i]
  local id = string.sub(member, 18)
  local current = redis.call('HGET', KEYS[1], id)
  if current and current == ARGV[i + 1] then
    redis.call('HSET', KEYS[1], id, ARGV[i + 2])
    replaced = replaced + 1
    dropped = dropped + redis.call('ZREM', KEYS[2], member)
  elseif not current or cjson.decode(current).status ~= 'running' then
    dropped = dropped + redis.call('ZREM', KEYS[2], member)
  end
end
return { replaced, dropped }`,
  },
  /**
   * KEYS: records, meta, all-runs zset, running-runs zset. ARGV: beforeMs, how many
   * of those runs to skip (the ones earlier batches kept), limit, per-KPI key prefix.
   * Deletes every run of the batch but the latest of its KPI (the first member of
   * its KPI's zset in listRuns' order), from every hash and zset. An all-runs member
   * without a record is dropped. Returns { read, kept, deleted }.
   */
  ksPruneRuns: {
    lua: `
local members = redis.call('ZRANGE', KEYS[3], '-inf', '(' .. ARGV[1], 'BYSCORE', 'LIMIT', ARGV[2], ARGV[3])
local kept, deleted = 0, 0
for i = 1, #members do
  local member = members[i]
  local id = string.sub(member, 18)
  local meta = redis.call('HGET', KEYS[2], id)
  if not meta then
    redis.call('ZREM', KEYS[3], member)
  else
    local index = ARGV[4] .. string.sub(meta, 17)
    if redis.call('ZRANGE', index, '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, 1)[1] == member then
      kept = kept + 1
    else
      redis.call('HDEL', KEYS[1], id)
      redis.call('HDEL', KEYS[2], id)
      redis.call('ZREM', KEYS[3], member)
      redis.call('ZREM', index, member)
      redis.call('ZREM', KEYS[4], member)
      deleted = deleted + 1
    end
  end
end
return { #members, kept, deleted }`,
  },
  /**
   * KEYS: outbox keys. ARGV: the delivered status code, then entry ids. Deletes each
   * entry that is still delivered from the records, meta and its listing index
   * (delivered entries are never in the due zset). Returns how many it deleted.
   */
  ksDeleteDelivered: {
    lua: `
local deleted = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  local meta = redis.call('HGET', KEYS[2], id)
  if meta and string.sub(meta, 34, 34) == ARGV[1] then
    local s, c = tonumber(ARGV[1]), tonumber(string.sub(meta, 35, 35))
    redis.call('ZREM', KEYS[5 + s * 2 + c], string.sub(meta, 1, 16) .. ':' .. id)
    redis.call('HDEL', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
    deleted = deleted + 1
  end
end
return deleted`,
  },
} as const;

/** The replies of the retention scripts that are not one integer. */
export interface PruneReplies {
  ksRunningBefore: string[];
  ksAbandonRuns: [replaced: number, dropped: number];
  ksPruneRuns: [read: number, kept: number, deleted: number];
}
