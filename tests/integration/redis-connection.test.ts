import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KsError } from '../../src/sdk/errors.ts';
import { checkRedis, createRedisConnection, redactRedisUrl, waitForRedis } from '../../src/schedule/queue/redis-connection.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { ensureRedisServer, freePort, startRedisServer, type RedisServer } from '../setup/redis-server.ts';

const PASSWORD = 's3cret-pass';
const FAST = { retryBaseMs: 50, retryMaxMs: 200 };

// Installing redis-server (first run on a fresh machine) takes longer than a test may.
beforeAll(() => ensureRedisServer(), 600_000);

describe('Redis connection', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A server on a known port that is not running yet, and a URL with a password for it. */
  async function notYetRunning(): Promise<{ server: RedisServer; url: string }> {
    const port = await freePort();
    const server = await startRedisServer({ port, deferStart: true, args: ['--requirepass', PASSWORD] });
    cleanups.push(() => server.stop());
    return { server, url: `redis://:${PASSWORD}@127.0.0.1:${port}` };
  }

  it('keeps retrying with a clear log while Redis is down at start, and is ready once it comes up', async () => {
    const { server, url } = await notYetRunning();
    const lines: Record<string, unknown>[] = [];
    const redis = createRedisConnection(url, captureLogger(lines), FAST);
    cleanups.push(() => redis.disconnect());

    let ready = false;
    const waiting = waitForRedis(redis).then(() => {
      ready = true;
    });
    await until(() => retries(lines).length >= 3);
    expect(ready).toBe(false);
    expect(retries(lines)[0]).toMatchObject({ level: 40, attempt: 1, retryInMs: 50, msg: 'redis unreachable, retrying in 0.05s' });
    expect(retries(lines).at(-1)).toMatchObject({ retryInMs: 200, error: expect.stringMatching(/ECONNREFUSED/) });

    await server.start();
    await waiting;
    expect(lines.some((l) => l.msg === 'redis connection ready again')).toBe(true);
    expect(redis.options.maxRetriesPerRequest).toBeNull();
    expect(String(await redis.client('LIST'))).toContain('name=kpi-sync');
    expect(JSON.stringify(lines)).not.toContain(PASSWORD);
    expect(retries(lines)[0]?.redis).toBe(redactRedisUrl(url));
  });

  it('warns once, at the check, when Redis keeps nothing on disk, and not when AOF is on', async () => {
    for (const [appendonly, warned] of [
      [false, true],
      [true, false],
    ] as const) {
      const server = await startRedisServer({ appendonly });
      cleanups.push(() => server.stop());
      const redis = createRedisConnection(server.url, pino({ enabled: false }), FAST);
      cleanups.push(() => redis.disconnect());
      await waitForRedis(redis);
      const lines: Record<string, unknown>[] = [];
      await checkRedis(redis, captureLogger(lines));
      const warnings = lines.filter((l) => String(l.msg).startsWith('redis has no persistence'));
      expect(warnings).toHaveLength(warned ? 1 : 0);
    }
  });

  it('stops waiting when the signal aborts, and when the connection is closed for good', async () => {
    const { server, url } = await notYetRunning();
    const down = createRedisConnection(url, pino({ enabled: false }), FAST);
    cleanups.push(() => down.disconnect());
    const controller = new AbortController();
    const waiting = waitForRedis(down, undefined, controller.signal);
    await sleep(100);
    controller.abort();
    await expect(waiting).rejects.toThrow(/Stopped waiting for Redis: shutting down/);

    await server.start();
    const closing = createRedisConnection(url, pino({ enabled: false }), FAST);
    const ending = waitForRedis(closing);
    closing.disconnect();
    const error = await ending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KsError);
    expect(error).toMatchObject({ code: 'KS_ERR_STORE', retryable: true, message: expect.stringMatching(/closed before it became ready/) });
    await expect(waitForRedis(closing)).rejects.toThrow(/closed before it became ready/);
  });

  it('masks the password of a Redis URL', () => {
    expect(redactRedisUrl('redis://user:pw@example.internal:6380/2')).toBe('redis://user:***@example.internal:6380/2');
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactRedisUrl('not a url')).not.toContain('not a url');
  });
});

function retries(lines: Record<string, unknown>[]): Record<string, unknown>[] {
  return lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('redis unreachable, retrying in'));
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
