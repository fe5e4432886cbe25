import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createConnection, type Connection } from 'mysql2/promise';
import { freePort } from './redis-server.ts';
import { ensureDebianTool, findOnPath } from './debian-package.ts';

/**
 * A private MariaDB server for tests and benchmarks, in the pattern of
 * postgres-server.ts: its own free loopback port, its own data folder made with
 * mariadb-install-db, gone when stopped. Real authentication (no
 * --skip-grant-tables): `root@localhost` has no password and is reached over the
 * server's Unix socket only (`admin()`); tests create password users for TCP.
 */
export interface MariaDbServer {
  host: '127.0.0.1';
  port: number;
  /** The server's Unix socket, where root logs in. */
  socketPath: string;
  /** Runs one statement as root (over the socket) and returns its rows. */
  admin(sql: string, values?: unknown[]): Promise<unknown[]>;
  /** Creates a fresh, empty database (a random name unless given) and returns its name. */
  createDatabase(name?: string): Promise<string>;
  /** Creates `user`@`%` with `password` (mysql_native_password) and runs each GRANT given as `PRIVILEGES ON scope`. */
  createUser(user: string, password: string, grants?: string[]): Promise<void>;
  /** Shuts the server down and deletes its folder. */
  stop(): Promise<void>;
}

const INSTALL_HINT = 'MariaDB server not found (mariadbd, mariadb-install-db): run `apt-get install -y mariadb-server` (Debian) or put them on PATH';
const READY_TIMEOUT_MS = 60_000;

/** Every server folder not yet stopped, with its process: killed and deleted if the test process exits first. */
const folders = new Map<string, ChildProcess | undefined>();
process.once('exit', () => {
  for (const [dir, child] of folders) {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

interface Binaries {
  server: string;
  installDb: string;
}

/** The server and install-db binaries; installs Debian's package once when missing and we are root. */
export async function ensureMariaDbBinaries(): Promise<Binaries> {
  return ensureDebianTool({ package: 'mariadb-server', hint: INSTALL_HINT, find: findBinaries });
}

export async function startMariaDbServer(): Promise<MariaDbServer> {
  const bin = await ensureMariaDbBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'kpi-sync-mariadb-'));
  folders.set(dir, undefined);
  const data = join(dir, 'data');
  const socketPath = join(dir, 'mysqld.sock');
  // mariadbd refuses to run as root unless told to: files and process stay root's.
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  try {
    mkdirSync(data);
    await run(bin.installDb, [
      '--no-defaults',
      `--datadir=${data}`,
      ...asRoot,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--skip-name-resolve',
    ]);
  } catch (error) {
    remove(dir);
    throw error;
  }
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    try {
      return await launch(bin.server, dir, data, socketPath, port, asRoot);
    } catch (error) {
      // Another process may take the free port before mariadbd binds it.
      if (attempt < 3 && /Address already in use|Can't start server/i.test((error as Error).message)) continue;
      remove(dir);
      throw error;
    }
  }
}

async function launch(binary: string, dir: string, data: string, socketPath: string, port: number, asRoot: string[]): Promise<MariaDbServer> {
  const logFile = join(dir, 'error.log');
  const args = [
    '--no-defaults',
    `--datadir=${data}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${socketPath}`,
    `--pid-file=${join(dir, 'mysqld.pid')}`,
    `--log-error=${logFile}`,
    '--skip-name-resolve',
    '--skip-log-bin',
    '--innodb-buffer-pool-size=32M',
    '--innodb-flush-log-at-trx-commit=0',
    '--performance-schema=OFF',
    '--max-connections=200',
    ...asRoot,
  ];
  const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  folders.set(dir, child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      output += error.message;
      resolve();
    });
  });

  const connectRoot = (): Promise<Connection> => createConnection({ socketPath, user: 'root', multipleStatements: false });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
      throw new Error(
        `mariadbd on port ${port} did not start (${child.exitCode ?? child.signalCode}):\n${`${output}\n${log}`.trim().split('\n').slice(-8).join('\n')}`,
      );
    }
    try {
      await (await connectRoot()).end();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        await exited;
        throw new Error(`mariadbd on port ${port} was not ready within ${READY_TIMEOUT_MS} ms`);
      }
      await sleep(100);
    }
  }

  const admin = async (sql: string, values: unknown[] = []): Promise<unknown[]> => {
    const connection = await connectRoot();
    try {
      const [rows] = await connection.query(sql, values);
      return Array.isArray(rows) ? rows : [];
    } finally {
      await connection.end();
    }
  };

  return {
    host: '127.0.0.1',
    port,
    socketPath,
    admin,
    async createDatabase(name = `t_${randomUUID().replaceAll('-', '')}`) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`database name "${name}" must be a lower-case SQL identifier`);
      await admin(`CREATE DATABASE ${name}`);
      return name;
    },
    async createUser(user, password, grants = []) {
      if (!/^[a-z_][a-z0-9_]{0,31}$/.test(user)) throw new Error(`user name "${user}" must be a lower-case SQL identifier`);
      await admin(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, password]);
      for (const grant of grants) await admin(`GRANT ${grant} TO ?@'%'`, [user]);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      remove(dir);
    },
  };
}

function remove(dir: string): void {
  folders.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

function findBinaries(): Binaries | undefined {
  const server = findOnPath('mariadbd', 'mysqld');
  const installDb = findOnPath('mariadb-install-db', 'mysql_install_db');
  return server && installDb ? { server, installDb } : undefined;
}

function run(command: string, args: string[]): Promise<void> {
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
