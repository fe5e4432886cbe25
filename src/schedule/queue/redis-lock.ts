import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { KsError } from '../../sdk/errors.ts';

/** Deletes or extends the lock only while it still holds our token, so an expired lock taken over by another replica is left alone. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

export interface RedisLockOptions {
  /** The lock expires this long after the last renewal (a crashed holder frees it). Default 30 s. */
  ttlMs?: number;
  /** How long to wait for another holder before giving up. Default 5 min. */
  waitMs?: number;
  /** Poll interval while waiting. Default 200 ms. */
  pollMs?: number;
  signal?: AbortSignal;
}

/**
 * Runs `work` while holding a Redis lock (`SET key token NX PX ttl`), renewed every
 * third of the TTL while `work` runs, released by compare-and-delete. Waits while
 * another process holds it: for reconciliation, the second replica then finds
 * nothing left to change.
 */
export async function withRedisLock<T>(redis: Redis, key: string, work: () => Promise<T>, options: RedisLockOptions = {}): Promise<T> {
  const ttl = options.ttlMs ?? 30_000;
  const token = randomUUID();
  const deadline = Date.now() + (options.waitMs ?? 300_000);
  while ((await redis.set(key, token, 'PX', ttl, 'NX')) !== 'OK') {
    if (options.signal?.aborted) throw new KsError('KS_ERR_INTERNAL', `stopped waiting for lock ${key}: shutting down`);
    if (Date.now() > deadline) {
      throw new KsError('KS_ERR_TRANSIENT', `lock ${key} is still held by another process after ${Math.round((options.waitMs ?? 300_000) / 1000)} s`, {
        retryable: true,
      });
    }
    await sleep(options.pollMs ?? 200);
  }
  const renew = setInterval(
    () => {
      redis.eval(EXTEND, 1, key, token, ttl).catch(() => undefined);
    },
    Math.max(10, Math.floor(ttl / 3)),
  );
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
  }
}
