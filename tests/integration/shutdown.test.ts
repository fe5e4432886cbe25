import http from 'node:http';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/postgres.store.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite.store.ts';
import type { Store } from '../../src/store/store.ts';
import { CliProcess, tempDir } from '../helpers/cli.ts';
import { usePostgresServer, useRedisServer } from '../helpers/queue-redis.ts';

/**
 * Shutdown keeps its deadline: SIGTERM aborts what is in flight at the deadline,
 * records it as aborted (KS_ERR_ABORTED), closes the store last and exits, even when
 * the source never answers or trickles a byte at a time for ever.
 */
const DEADLINE_MS = 1_500;

const redis = useRedisServer();
const postgres = usePostgresServer();

const closers: (() => Promise<unknown> | undefined)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

type Behaviour = 'silent' | 'trickle';

/** A CSV "server" that accepts the request and then never finishes it. */
async function stuckSource(behaviour: Behaviour): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const sockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((_req, res) => {
    requests += 1;
    if (behaviour === 'silent') return;
    res.writeHead(200, { 'content-type': 'text/csv' });
    res.write('date,amount\n');
    const timer = setInterval(() => res.write('2'), 200);
    timers.add(timer);
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sales.csv`, requests: () => requests };
}

function config(url: string): { dir: string; db: string } {
  const dir = tempDir('kpi-sync-shutdown-');
  writeFileSync(
    path.join(dir, 'main.yaml'),
    `settings:
  runOnStart: true
  shutdownTimeout: ${DEADLINE_MS}
  server: { enabled: false }
connections:
  - id: remote
    type: csv
    url: ${url}
kpis:
  - id: sales
    name: Sales
    category: Growth
    interval: day
    source:
      connection: remote
      query:
        date: { column: date }
        value: { column: amount, aggregate: sum }
`,
  );
  return { dir, db: path.join(tempDir('kpi-sync-shutdown-db-'), 'shutdown.db') };
}

type Mode = 'embedded' | 'queue';
const CASES: [Mode, Behaviour][] = [
  ['embedded', 'silent'],
  ['embedded', 'trickle'],
  ['queue', 'silent'],
  ['queue', 'trickle'],
];

describe.each(CASES)('shutdown in %s mode with a source that is %s', (mode, behaviour) => {
  it('aborts the sync at the deadline, records it as aborted, and exits 0', async () => {
    const source = await stuckSource(behaviour);
    const { dir, db } = config(source.url);
    let openStore: () => Promise<Store> = () => openSqliteStore(db);
    let env: Record<string, string> = {};
    if (mode === 'queue') {
      const databaseUrl = await postgres.server.createDatabase();
      env = { REDIS_URL: redis.url, DATABASE_URL: databaseUrl, KPI_SYNC_REDIS_PREFIX: `shutdown-${randomUUID()}` };
      openStore = () => openPostgresStore(databaseUrl, { poolSize: 1 });
    }
    const child = new CliProcess(['start', '--config', dir, ...(mode === 'embedded' ? ['--db', db] : [])], env);
    closers.push(() => {
      if (child.child.exitCode === null) child.signal('SIGKILL');
    });
    await child.waitFor(() => source.requests() === 1);
    const sent = Date.now();
    child.signal('SIGTERM');
    const code = await child.exited;
    const tookMs = Date.now() - sent;

    expect(code).toBe(0);
    const messages = child.logs().map((l) => l.msg as string);
    expect(messages).toContain('stopped');
    expect(messages.indexOf('stopped')).toBeGreaterThan(messages.findIndex((m) => m.startsWith('in-flight syncs did not finish')));
    // The deadline plus the second the process allows itself to close; generous for a loaded machine.
    expect(tookMs).toBeLessThan(DEADLINE_MS + 5_000);

    const store = await openStore();
    const runs = await store.listRuns();
    await store.close();
    expect(runs).toMatchObject([{ status: 'aborted', error: { code: 'KS_ERR_ABORTED' } }]);
    expect(child.stdout).not.toMatch(/store is closed/);
  });
});
