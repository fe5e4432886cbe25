import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { ensureDebianTool, findOnPath } from './debian-package.ts';

/**
 * A private redis-server for tests and benchmarks: its own free loopback port, its
 * own data folder, gone when stopped. Nothing here touches a Redis the machine may
 * already run.
 */
export interface RedisServer {
  url: string;
  port: number;
  /** Shuts the server down (SIGTERM, so AOF is flushed) and deletes its folder. */
  stop(): Promise<void>;
  /** Stops and starts it again on the same port and folder: with AOF on, the data survives. */
  restart(): Promise<void>;
  /** SIGKILL, as a crash would; the folder is left for a later restart. */
  kill(): void;
  /** Starts it again after `kill()` (or a `halt()`), same port and folder. */
  start(): Promise<void>;
  /** SIGTERM without deleting the folder, so `start()` can bring it back. */
  halt(): Promise<void>;
}

export interface RedisServerOptions {
  appendonly?: boolean;
  maxmemoryPolicy?: string;
  /** Extra redis-server arguments, e.g. ['--rename-command', 'CONFIG', '']. */
  args?: string[];
  /** Use this port instead of a free one (for "not up yet" tests). */
  port?: number;
  /** Spawn only when `start()` is called. */
  deferStart?: boolean;
}

const INSTALL_HINT = 'redis-server not found: run `apt-get install -y redis-server` (Debian) or put it on PATH';
const READY_TIMEOUT_MS = 10_000;

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Returns the path of redis-server. When it is missing and we are root, installs
 * Debian's package once; parallel test workers wait on a lock file instead of
 * running apt-get side by side.
 */
export async function ensureRedisServer(): Promise<string> {
  return ensureDebianTool({ package: 'redis-server', hint: INSTALL_HINT, find: () => findOnPath('redis-server') });
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = await ensureRedisServer();
  if (options.port !== undefined) return launch(binary, options.port, options);
  // Another process may take the free port before redis-server binds it: try another.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await launch(binary, await freePort(), options);
    } catch (error) {
      if (attempt === 3 || !/Address already in use|it exited/.test((error as Error).message)) throw error;
    }
  }
}

async function launch(binary: string, port: number, options: RedisServerOptions): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kpi-sync-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    options.appendonly ? 'yes' : 'no',
    '--dir',
    dir,
    '--maxmemory-policy',
    options.maxmemoryPolicy ?? 'noeviction',
    ...(options.args ?? []),
  ];
  let child: ChildProcess | undefined;

  const start = async () => {
    if (child) return;
    const output: string[] = [];
    const spawned = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = spawned;
    running.add(spawned);
    for (const stream of [spawned.stdout, spawned.stderr]) {
      stream?.on('data', (chunk: Buffer) => {
        output.push(chunk.toString());
        if (output.length > 50) output.shift();
      });
    }
    spawned.once('exit', () => {
      running.delete(spawned);
      if (child === spawned) child = undefined;
    });
    try {
      await waitForPong(port, spawned);
    } catch (error) {
      spawned.kill('SIGKILL');
      const tail = output.join('').trim().split('\n').slice(-5).join('\n');
      throw new Error(`redis-server on port ${port} did not start: ${(error as Error).message}\n${tail}`);
    }
  };
  const halt = async () => {
    const current = child;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    current.kill('SIGTERM');
    await exited;
  };

  if (!options.deferStart) {
    try {
      await start();
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    halt,
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await halt();
      await start();
    },
    kill() {
      child?.kill('SIGKILL');
      child = undefined;
    },
  };
}

/** A port that was free a moment ago: listen on 0, note it, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPong(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`it exited (${child.exitCode ?? child.signalCode})`);
    if (await ping(port)) return;
    await sleep(25);
  }
  throw new Error(`no PONG within ${READY_TIMEOUT_MS} ms`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      // -LOADING while an AOF is replayed: not ready yet. -NOAUTH: up, with requirepass.
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG') || answer.startsWith('-NOAUTH'));
    });
  });
}

/** Deletes every key under `prefix:` (SCAN, never KEYS), as BullMQ's suite cleans its queues. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
