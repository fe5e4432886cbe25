import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { Client } from 'pg';
import { startMariaDbServer, type MariaDbServer } from '../setup/mariadb-server.ts';
import { startPostgresServer, type PostgresServer } from '../setup/postgres-server.ts';

/**
 * Real servers for the sql connector's tests, each with the same `orders` table and
 * three users: a read-only reader, a writer (SELECT and INSERT) and, for Postgres,
 * the trusted superuser. Postgres gets an hba file of its own so that users other
 * than `postgres` log in with a password (scram-sha-256) and a wrong one is refused.
 */

export const READER = { user: 'kpi_reader', password: 'reader-Pa55-8f2c1e' };
export const WRITER = { user: 'kpi_writer', password: 'writer-Pa55-4b7d9a' };
export const WRONG_PASSWORD = 'not-the-Pa55-0000';

/** Every order: its instant and amount. Month m of 2026 has m orders on the 15th at noon UTC, 10 each; four more sit near November's edges. */
export const ORDERS: { at: string; amount: number }[] = [
  ...Array.from({ length: 12 }, (_, i) =>
    Array.from({ length: i + 1 }, () => ({ at: `2026-${String(i + 1).padStart(2, '0')}-15T12:00:00.000Z`, amount: 10 })),
  ).flat(),
  { at: '2026-10-31T23:30:00.000Z', amount: 1.25 }, // 1 Nov 00:30 in Paris
  { at: '2026-11-01T00:30:00.000Z', amount: 4 },
  { at: '2026-11-30T23:30:00.000Z', amount: 2.5 }, // 1 Dec 00:30 in Paris
  { at: '2026-11-30T23:45:00.000Z', amount: 0.5 }, // 1 Dec 00:45 in Paris
];

export const PARIS = 'Europe/Paris';
export const NOVEMBER_UTC = { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z', timeZone: 'UTC', interval: 'month' } as const;
export const NOVEMBER_PARIS = { start: '2026-11-01T00:00:00.000+01:00', end: '2026-12-01T00:00:00.000+01:00', timeZone: PARIS, interval: 'month' } as const;
export const YEAR_PARIS = { start: '2026-01-01T00:00:00.000+01:00', end: '2027-01-01T00:00:00.000+01:00', timeZone: PARIS, interval: 'month' } as const;

/** Count and sum of ORDERS in a window, as the tests expect them. */
export function expected(window: { start: string; end: string }): { count: number; sum: number } {
  const inside = ORDERS.filter((o) => Date.parse(o.at) >= Date.parse(window.start) && Date.parse(o.at) < Date.parse(window.end));
  return { count: inside.length, sum: inside.reduce((total, o) => total + o.amount, 0) };
}

/** The columns each row carries: the instant (timestamptz / TIMESTAMP), UTC and Paris wall times, the Paris date. */
function rowValues(order: { at: string; amount: number }): [string, string, string, string, number] {
  const at = DateTime.fromISO(order.at, { zone: 'UTC' });
  const paris = at.setZone(PARIS);
  const wall = 'yyyy-MM-dd HH:mm:ss.SSS';
  return [order.at, at.toFormat(wall), paris.toFormat(wall), paris.toFormat('yyyy-MM-dd'), order.amount];
}

export interface PostgresFixture {
  server: PostgresServer;
  port: number;
  database: string;
  /** Runs SQL as the superuser on the fixture's database. */
  admin(sql: string, values?: unknown[]): Promise<unknown[][]>;
  /** The test CA's certificate, with `tls: true`. */
  caFile?: string;
  stop(): Promise<void>;
}

export interface PostgresFixtureOptions {
  /** Serve TLS too (ssl = on) with a certificate for localhost and 127.0.0.1 signed by a test CA; plain connections still work. */
  tls?: boolean;
}

export async function startPostgresFixture(options: PostgresFixtureOptions = {}): Promise<PostgresFixture> {
  const hbaDir = mkdtempSync(join(tmpdir(), 'kpi-sync-sql-hba-'));
  const hba = join(hbaDir, 'pg_hba.conf');
  writeFileSync(
    hba,
    ['local all postgres trust', 'host all postgres 127.0.0.1/32 trust', 'local all all scram-sha-256', 'host all all 127.0.0.1/32 scram-sha-256', ''].join(
      '\n',
    ),
  );
  // The server may run as the postgres user (when tests run as root): it must read the file.
  chmodSync(hbaDir, 0o755);
  chmodSync(hba, 0o644);
  const certificates = options.tls ? makeCertificates(hbaDir, postgresUser()) : undefined;
  const tls: Record<string, string> = certificates ? { ssl: 'on', ssl_cert_file: `'${certificates.cert}'`, ssl_key_file: `'${certificates.key}'` } : {};
  const server = await startPostgresServer({ settings: { hba_file: `'${hba}'`, ...tls } });
  const database = (await server.createDatabase()).split('/').pop()!;
  const admin = async (sql: string, values: unknown[] = []) => {
    const client = new Client({ connectionString: `postgres://postgres@127.0.0.1:${server.port}/${database}` });
    await client.connect();
    try {
      return (await client.query({ text: sql, values, rowMode: 'array' })).rows as unknown[][];
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE TABLE orders (id serial PRIMARY KEY, created_at timestamptz NOT NULL, created_utc timestamp NOT NULL,
                created_local timestamp NOT NULL, day date NOT NULL, amount numeric(12, 2) NOT NULL)`);
  for (const order of ORDERS)
    await admin('INSERT INTO orders (created_at, created_utc, created_local, day, amount) VALUES ($1, $2, $3, $4, $5)', rowValues(order));
  await admin(`CREATE ROLE ${READER.user} LOGIN PASSWORD '${READER.password}'`);
  await admin(`GRANT CONNECT ON DATABASE ${database} TO ${READER.user}`);
  await admin(`GRANT USAGE ON SCHEMA public TO ${READER.user}`);
  await admin(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${READER.user}`);
  await admin(`CREATE ROLE ${WRITER.user} LOGIN PASSWORD '${WRITER.password}'`);
  await admin(`GRANT SELECT, INSERT ON orders TO ${WRITER.user}`);
  await admin(`GRANT USAGE ON SEQUENCE orders_id_seq TO ${WRITER.user}`);
  return {
    server,
    port: server.port,
    database,
    admin,
    ...(certificates ? { caFile: certificates.ca } : {}),
    async stop() {
      await server.stop();
      rmSync(hbaDir, { recursive: true, force: true });
    },
  };
}

export interface MariaDbFixture {
  server: MariaDbServer;
  port: number;
  database: string;
  admin(sql: string, values?: unknown[]): Promise<unknown[]>;
  stop(): Promise<void>;
}

export async function startMariaDbFixture(): Promise<MariaDbFixture> {
  const server = await startMariaDbServer();
  const database = await server.createDatabase();
  const admin = (sql: string, values?: unknown[]) => server.admin(sql, values);
  await admin(`CREATE TABLE ${database}.orders (id INT AUTO_INCREMENT PRIMARY KEY, created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
                created_utc DATETIME(3) NOT NULL, created_local DATETIME(3) NOT NULL, day DATE NOT NULL, amount DECIMAL(12, 2) NOT NULL)`);
  for (const order of ORDERS) {
    const [, utc, local, day, amount] = rowValues(order);
    // FROM_UNIXTIME gives the instant in whatever zone the session has; TIMESTAMP stores the instant.
    await admin(`INSERT INTO ${database}.orders (created_at, created_utc, created_local, day, amount) VALUES (FROM_UNIXTIME(?), ?, ?, ?, ?)`, [
      Date.parse(order.at) / 1000,
      utc,
      local,
      day,
      amount,
    ]);
  }
  await server.createUser(READER.user, READER.password, [`SELECT ON ${database}.*`]);
  await server.createUser(WRITER.user, WRITER.password, [`SELECT, INSERT ON ${database}.*`]);
  return { server, port: server.port, database, admin, stop: () => server.stop() };
}

/** A loopback TCP server that accepts connections and never says a word (a hung database). */
export async function startSilentServer(): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The uid and gid the test Postgres runs as when we are root (it refuses root), else undefined. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * A test CA and a server certificate it signed, for localhost and 127.0.0.1, made
 * with the openssl command (EC keys: quick). The key is the server user's, mode 0600,
 * as Postgres insists.
 */
export function makeCertificates(dir: string, owner?: { uid: number; gid: number }): { ca: string; cert: string; key: string } {
  const file = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  writeFileSync(file('san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  const steps = [
    ['req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=kpi-sync test CA'],
    ['req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost'],
    [
      'x509',
      '-req',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file('server.pem'),
      '-days',
      '2',
      '-extfile',
      file('san.ext'),
    ],
  ];
  for (const args of steps) {
    const result = spawnSync('openssl', args, { encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(
        `openssl ${args[0]} failed (install Debian's openssl package): ${(result.stderr || result.error?.message || '').trim().split('\n').slice(-2).join(' | ')}`,
      );
  }
  chmodSync(file('server.key'), 0o600);
  if (owner) {
    chownSync(file('server.key'), owner.uid, owner.gid);
    chownSync(file('server.pem'), owner.uid, owner.gid);
  }
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key') };
}
