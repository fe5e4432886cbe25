import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { KsError } from '../../sdk/errors.ts';
import { toRedisError } from './redis-errors.ts';

/**
 * The oldest Redis kpi-sync accepts. BullMQ refuses below 5.0.0 and warns below
 * 6.2.0 (RedisConnection.recommendedMinimumVersion); the store's scripts use
 * `ZRANGE ... BYSCORE REV`, which is 6.2 too.
 */
export const MIN_REDIS_VERSION = '6.2.0';

const NOEVICTION_HINT =
  'set `maxmemory-policy noeviction` in redis.conf, or run `CONFIG SET maxmemory-policy noeviction` (then `CONFIG REWRITE` to keep it), ' +
  "or pick a managed Redis plan whose eviction policy is 'noeviction'";

/**
 * Checks that this Redis can hold kpi-sync's data: a version BullMQ supports, and
 * `maxmemory-policy noeviction`, because every other policy deletes keys under
 * memory pressure (queued jobs, datapoints, undelivered alerts) without an error.
 * https://docs.bullmq.io/guide/going-to-production#max-memory-policy
 * Where CONFIG is disabled (managed Redis), the policy is read from INFO memory.
 */
export async function checkRedis(redis: Redis, logger?: Logger): Promise<{ version: string }> {
  let server: string;
  try {
    server = await redis.info('server');
  } catch (error) {
    throw toRedisError('requirements check (INFO server)', error);
  }
  const version = infoField(server, 'redis_version');
  if (!version)
    throw new KsError('KS_ERR_STORE', 'Redis did not report redis_version in INFO server; kpi-sync needs Redis (or a compatible server) 6.2 or newer.');
  if (compareVersions(version, MIN_REDIS_VERSION) < 0) {
    throw new KsError('KS_ERR_STORE', `Redis ${version} is too old: kpi-sync and BullMQ need Redis ${MIN_REDIS_VERSION} or newer. Upgrade the server.`);
  }
  await warnWithoutPersistence(redis, version, logger);
  const policy = await maxmemoryPolicy(redis);
  if (policy === undefined) {
    logger?.warn({ redisVersion: version }, 'could not read maxmemory-policy (CONFIG and INFO memory both unavailable); make sure it is noeviction');
  } else if (policy !== 'noeviction') {
    throw new KsError(
      'KS_ERR_STORE',
      `Redis maxmemory-policy is "${policy}", but kpi-sync needs "noeviction": any other policy lets Redis delete queued jobs, ` +
        `job schedulers and sync leases when memory runs short. Fix: ${NOEVICTION_HINT}.`,
    );
  }
  return { version };
}

/**
 * One warning line when Redis keeps nothing on disk (AOF off and no RDB save points):
 * a restart then empties it, and queued jobs and the job schedulers are gone until the
 * scheduler's next reconcile puts the schedulers back. Not an error: some operators
 * run a cache-style Redis on purpose, and kpi-sync heals (the data lives in Postgres).
 */
async function warnWithoutPersistence(redis: Redis, version: string, logger?: Logger): Promise<void> {
  let persistence: string;
  try {
    persistence = await redis.info('persistence');
  } catch {
    return;
  }
  const aof = infoField(persistence, 'aof_enabled');
  let saves: string | undefined;
  try {
    saves = configValue(await redis.config('GET', 'save'), 'save');
  } catch {
    // CONFIG is disabled on many managed plans; they persist anyway, so say nothing.
    return;
  }
  if (aof === '0' && (saves ?? '').trim() === '') {
    logger?.warn(
      { redisVersion: version },
      'redis has no persistence (appendonly no, no save points): a restart empties the queue; kpi-sync re-creates its job schedulers within a minute, but queued and delayed jobs are lost. Turn on appendonly yes for production.',
    );
  }
}

export interface RedisConnectionOptions {
  /** Shown by CLIENT LIST. Default `kpi-sync`. */
  connectionName?: string;
  /** First reconnect delay; doubles per attempt up to `retryMaxMs`. Default 500. */
  retryBaseMs?: number;
  /** Default 20000. */
  retryMaxMs?: number;
}

/**
 * An ioredis connection set up the way BullMQ requires (`maxRetriesPerRequest: null`,
 * so commands wait for a reconnect instead of failing after 20 tries:
 * https://docs.bullmq.io/guide/going-to-production#maxretriesperrequest), that never
 * gives up reconnecting: a Redis that is down at start or restarts mid-run costs a
 * warning per attempt with capped backoff, not a crash loop. The URL's password
 * never reaches a log line.
 */
export function createRedisConnection(url: string, logger: Logger, options: RedisConnectionOptions = {}): Redis {
  const base = options.retryBaseMs ?? 500;
  const max = options.retryMaxMs ?? 20_000;
  const where = redactRedisUrl(url);
  let lastError = '';
  let failures = 0;
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: options.connectionName ?? 'kpi-sync',
    // After a failover the old primary answers READONLY: reconnect (DNS then points at
    // the new primary) and resend, as ioredis documents for managed Redis.
    // https://github.com/redis/ioredis#reconnect-on-error
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
    retryStrategy: (times) => {
      failures = times;
      const delay = Math.min(base * 2 ** Math.min(times - 1, 16), max);
      logger.warn({ redis: where, attempt: times, retryInMs: delay, error: lastError || undefined }, `redis unreachable, retrying in ${formatSeconds(delay)}`);
      return delay;
    },
  });
  redis.on('error', (error: Error) => {
    lastError = error.message;
    logger.debug({ redis: where, error: error.message }, 'redis connection error');
  });
  redis.on('ready', () => {
    if (failures > 0) logger.info({ redis: where, attempts: failures }, 'redis connection ready again');
    else logger.debug({ redis: where }, 'redis connection ready');
    failures = 0;
    lastError = '';
  });
  return redis;
}

/**
 * Closes a connection. QUIT waits for the replies in flight; while Redis is
 * unreachable it would sit in the offline queue for good, so then the socket is
 * just dropped.
 */
export async function closeRedisConnection(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

/**
 * Resolves once the connection is ready (ioredis keeps reconnecting meanwhile);
 * rejects when the connection is closed for good or `signal` aborts.
 */
export async function waitForRedis(redis: Redis, logger?: Logger, signal?: AbortSignal): Promise<void> {
  if (redis.status === 'ready') return;
  if (signal?.aborted) throw aborted();
  if (redis.status === 'end') throw closed();
  logger?.info({ status: redis.status }, 'waiting for redis');
  if (redis.status === 'wait') redis.connect().catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: KsError) => {
      redis.off('ready', onReady);
      redis.off('end', onEnd);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onReady = () => settle();
    const onEnd = () => settle(closed());
    const onAbort = () => settle(aborted());
    redis.on('ready', onReady);
    redis.on('end', onEnd);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The URL with its password masked, for logs and errors. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable redis url)';
  }
}

/** `1.2.3` vs `1.10` by numeric parts; missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const right = b.split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

async function maxmemoryPolicy(redis: Redis): Promise<string | undefined> {
  try {
    const reply: unknown = await redis.config('GET', 'maxmemory-policy');
    const value = configValue(reply, 'maxmemory-policy');
    if (value) return value;
  } catch {
    // CONFIG renamed away or not permitted (managed Redis): INFO memory still tells.
  }
  try {
    return infoField(await redis.info('memory'), 'maxmemory_policy');
  } catch {
    return undefined;
  }
}

/** CONFIG GET answers a flat [name, value] list over RESP2 and a map over RESP3. */
function configValue(reply: unknown, name: string): string | undefined {
  if (Array.isArray(reply)) {
    const at = reply.indexOf(name);
    return at >= 0 && typeof reply[at + 1] === 'string' ? (reply[at + 1] as string) : undefined;
  }
  if (reply instanceof Map) return typeof reply.get(name) === 'string' ? (reply.get(name) as string) : undefined;
  if (reply && typeof reply === 'object') {
    const value = (reply as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

function infoField(info: string, name: string): string | undefined {
  const line = info.split(/\r?\n/).find((l) => l.startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))}s`;
}

function aborted(): KsError {
  return new KsError('KS_ERR_STORE', 'Stopped waiting for Redis: shutting down.');
}

function closed(): KsError {
  return new KsError('KS_ERR_STORE', 'The Redis connection was closed before it became ready.', { retryable: true });
}
