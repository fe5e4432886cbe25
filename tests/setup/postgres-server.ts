import { randomUUID } from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { ensurePostgresBinaries } from './postgres-binaries.ts';
import { freePort } from './redis-server.ts';

/**
 * A private PostgreSQL server for tests and benchmarks: its own free loopback port,
 * its own data folder (owned by the `postgres` user, since Postgres refuses to run
 * as root), trust auth, fsync off. Gone when stopped; nothing here touches a
 * Postgres the machine may already run.
 */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`, the maintenance database. */
  url: string;
  port: number;
  /** Creates a fresh, empty database (a random name unless given) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Fast shutdown, then deletes the folder. */
  stop(): Promise<void>;
  /** Fast shutdown and start again, same port and data. */
  restart(): Promise<void>;
  /** SIGKILL to the postmaster and its backends, as a crash would; `start()` recovers the data. */
  kill(): void;
  /** Starts it (after `deferStart`, `halt()` or `kill()`), same port and data. */
  start(): Promise<void>;
  /** Fast shutdown without deleting the folder, so `start()` can bring it back. */
  halt(): Promise<void>;
}

export interface PostgresServerOptions {
  /** Use this port instead of a free one. */
  port?: number;
  /** initdb now, but start the server only when `start()` is called (for "down at start" tests). */
  deferStart?: boolean;
  /** Extra postgresql.conf lines, written as given (quote strings): `{ shared_buffers: "'2GB'" }` for a benchmark. */
  settings?: Record<string, string | number>;
}

const READY_TIMEOUT_MS = 30_000;
const READY_LINE = 'database system is ready to accept connections';

/** Small and unsafe on purpose: test data is thrown away, so durability buys nothing. */
const TEST_SETTINGS: Record<string, string | number> = {
  listen_addresses: "'127.0.0.1'",
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  shared_buffers: "'32MB'",
  max_connections: 200,
  max_wal_size: "'1GB'",
  log_checkpoints: 'off',
};

/** Every server folder not yet stopped, with its running postmaster: killed and deleted if the process exits first. */
const folders = new Map<string, number | undefined>();
process.once('exit', () => {
  for (const [dir, pid] of folders) {
    if (pid) killTree(pid);
    rmSync(dir, { recursive: true, force: true });
  }
});

export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const bin = await ensurePostgresBinaries();
  const owner = serverOwner();
  const dir = mkdtempSync(join(tmpdir(), 'kpi-sync-pg-'));
  const data = join(dir, 'data');
  folders.set(dir, undefined);
  try {
    if (owner) chownSync(dir, owner.uid, owner.gid);
    await run(asOwner(owner, join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']));
    const settings = { ...TEST_SETTINGS, unix_socket_directories: `'${dir}'`, ...options.settings };
    appendFileSync(
      join(data, 'postgresql.conf'),
      `\n# kpi-sync test server\n${Object.entries(settings)
        .map(([k, v]) => `${k} = ${v}`)
        .join('\n')}\n`,
    );
  } catch (error) {
    remove(dir);
    throw error;
  }

  let port = options.port ?? (await freePort());
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let postmaster: number | undefined;

  const launch = async (): Promise<void> => {
    const output: string[] = [];
    const spawned = spawn(...asOwner(owner, join(bin, 'postgres'), ['-D', data, '-p', String(port)]), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child = spawned;
    exited = new Promise((resolve) => {
      spawned.once('exit', () => resolve());
      spawned.once('error', (error) => {
        output.push(error.message);
        resolve();
      });
    });
    void exited.then(() => {
      if (child === spawned) child = undefined;
    });
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        output.push(chunk.toString());
        if (output.length > 50) output.shift();
        if (chunk.toString().includes(READY_LINE) || output.join('').includes(READY_LINE)) {
          clearTimeout(timer);
          resolve();
        }
      };
      spawned.stdout?.on('data', onData);
      spawned.stderr?.on('data', onData);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`it exited (${spawned.exitCode ?? spawned.signalCode})`));
      });
    });
    try {
      await ready;
    } catch (error) {
      // runuser does not pass SIGKILL on: a postmaster that did come up is killed by its pid.
      const started = postmasterPid();
      if (started) killTree(started);
      spawned.kill('SIGKILL');
      await exited;
      const tail = output.join('').trim().split('\n').slice(-6).join('\n');
      throw new Error(`postgres on port ${port} did not start: ${(error as Error).message}\n${tail}`);
    }
    postmaster = owner ? postmasterPid() : spawned.pid;
    folders.set(dir, postmaster);
  };

  /** The first line of postmaster.pid: as root, the server runs under runuser, so it is not our child. */
  const postmasterPid = (): number | undefined => {
    try {
      return Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
    } catch {
      return undefined;
    }
  };

  const start = async (): Promise<void> => {
    if (child && postmaster) return;
    // After kill(), runuser is still reaping the postmaster.
    await exited;
    // After a kill, old backends may hold the shared memory for a moment ("pre-existing
    // shared memory block is still in use"); another process may take the free port.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await launch();
      } catch (error) {
        const message = (error as Error).message;
        if (attempt >= 20) throw error;
        if (/Address already in use/.test(message) && options.port === undefined) port = await freePort();
        else if (!/pre-existing shared memory block|lock file .* already exists/.test(message)) throw error;
        await sleep(100);
      }
    }
  };

  const halt = async (): Promise<void> => {
    if (!child) return;
    // SIGINT is Postgres's "fast" shutdown: roll back open transactions, disconnect clients, checkpoint.
    if (postmaster) signal(postmaster, 'SIGINT');
    await exited;
    forget();
  };

  const forget = () => {
    postmaster = undefined;
    if (folders.has(dir)) folders.set(dir, undefined);
  };

  if (!options.deferStart) {
    try {
      await start();
    } catch (error) {
      remove(dir);
      throw error;
    }
  }

  const server: PostgresServer = {
    get url() {
      return `postgres://postgres@127.0.0.1:${port}/postgres`;
    },
    get port() {
      return port;
    },
    start,
    halt,
    async restart() {
      await halt();
      await start();
    },
    kill() {
      if (postmaster) killTree(postmaster);
      forget();
    },
    async stop() {
      await halt();
      await exited;
      remove(dir);
    },
    async createDatabase(name = `t_${randomUUID().replaceAll('-', '')}`) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`database name "${name}" must be a lower-case SQL identifier`);
      const admin = new Client({ connectionString: server.url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
  };
  return server;
}

function remove(dir: string): void {
  folders.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

/** Root runs the server binaries as `postgres` (it refuses root); anyone else runs them as themselves. */
function serverOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error("running as root, but there is no `postgres` user to run the server as: install Debian's `postgresql` package or `useradd postgres`");
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function asOwner(owner: { uid: number } | undefined, command: string, args: string[]): [string, string[]] {
  return owner ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function run([command, args]: [string, string[]]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${output.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}

/** SIGKILL to the postmaster and every process it started, read from /proc before it dies. */
function killTree(pid: number): void {
  const children: number[] = [];
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        // The command name sits in parentheses and may hold spaces: fields count from after it.
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) children.push(Number(entry));
      } catch {
        // gone already
      }
    }
  } catch {
    // no /proc: the postmaster alone
  }
  signal(pid, 'SIGKILL');
  for (const child of children) signal(child, 'SIGKILL');
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
