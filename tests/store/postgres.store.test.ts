import { Client, Pool } from 'pg';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KsError } from '../../src/sdk/errors.ts';
import { migrate } from '../../src/store/postgres/migrate.ts';
import { MIGRATIONS } from '../../src/store/postgres/migrations.ts';
import { toPostgresStoreError } from '../../src/store/postgres/postgres-errors.ts';
import { openPostgresStore } from '../../src/store/postgres/postgres.store.ts';
import { waitForPostgres } from '../../src/store/postgres/wait-for-postgres.ts';
import type { Store, SyncCommit } from '../../src/store/store.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { freePort } from '../setup/redis-server.ts';
import { startPostgresServer, type PostgresServer } from '../setup/postgres-server.ts';
import { dp, health, progress, run, transition } from './contract-data.ts';
import { defineStoreContractTests } from './store.contract.ts';

const LATEST = MIGRATIONS.length;
const PASSWORD = 's3cret-pass';

let server: PostgresServer;

// Installing PostgreSQL (first run on a fresh machine) takes longer than a hook may.
beforeAll(async () => {
  server = await startPostgresServer();
}, 600_000);

afterAll(async () => {
  await server?.stop();
});

defineStoreContractTests('postgres', async () => {
  const url = await server.createDatabase();
  const opened: Store[] = [await openPostgresStore(url)];
  return {
    store: opened[0]!,
    // A restarted process: a new pool on the same database.
    reopen: async () => {
      await opened.at(-1)!.close();
      opened.push(await openPostgresStore(url));
      return opened.at(-1)!;
    },
    cleanup: async () => {
      for (const store of opened) await store.close();
    },
  };
});

/** One statement on its own connection, as an operator's psql would run it. */
async function sql<R>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as R[];
  } finally {
    await client.end();
  }
}

/** Polls until `check` holds: for waiting on something to happen, never to prove that nothing did. */
async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves to the call's result, or to the KsError it rejected with. */
async function outcome<T>(call: Promise<T>): Promise<T | KsError> {
  return call.catch((error: unknown) => {
    if (error instanceof KsError) return error;
    throw error;
  });
}

describe('Postgres store', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function open(url: string, options: Parameters<typeof openPostgresStore>[1] = {}): Promise<Store> {
    const store = await openPostgresStore(url, options);
    cleanups.push(() => store.close());
    return store;
  }

  it('migrates an empty database exactly once when several stores open it at the same time', async () => {
    const url = await server.createDatabase();
    const logs: Record<string, unknown>[] = [];
    const stores = await Promise.all(Array.from({ length: 4 }, () => open(url, { logger: captureLogger(logs) })));

    const versions = await sql<{ version: number; name: string }>(url, 'SELECT version, name FROM schema_migrations ORDER BY version');
    expect(versions).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
    expect(logs.filter((l) => l.msg === 'store schema migrated')).toMatchObject([{ from: 0, to: LATEST }]);
    const relations = await sql<{ name: string; kind: string }>(
      url,
      "SELECT relname AS name, relkind::text AS kind FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'v') ORDER BY relname",
    );
    expect(relations.filter((r) => r.kind === 'v').map((r) => r.name)).toEqual(['kpi_datapoints', 'kpi_latest', 'kr_progress_latest', 'sync_runs']);
    expect(relations.filter((r) => r.kind === 'r').map((r) => r.name)).toEqual([
      'alert_notified',
      'backfill_progress',
      'connection_state',
      'connector_cursors',
      'datapoints',
      'destinations_disabled',
      'health',
      'health_transitions',
      'kpi_last_success',
      'kr_progress',
      'kr_push_last',
      'outbox',
      'runs',
      'schema_migrations',
      'silences',
    ]);

    await stores[0]!.upsertDatapoints([dp('mrr', '2024-01-01T00:00:00+01:00', 1)]);
    expect(await stores[3]!.listDatapoints('mrr')).toEqual([dp('mrr', '2024-01-01T00:00:00+01:00', 1)]);
  });

  it('refuses a database written by a newer kpi-sync and leaves it untouched', async () => {
    const url = await server.createDatabase();
    const first = await openPostgresStore(url);
    await first.upsertDatapoints([dp('mrr', '2024-01-01T00:00:00Z', 1)]);
    await first.close();
    await sql(url, "INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')", [LATEST + 1]);

    const error = await openPostgresStore(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KsError);
    expect(error).toMatchObject({ code: 'KS_ERR_STORE', retryable: false });
    expect((error as Error).message).toContain(`schema version ${LATEST + 1}, newer than this kpi-sync knows (${LATEST})`);
    expect(await sql<{ version: number }>(url, 'SELECT version FROM schema_migrations ORDER BY version')).toEqual(
      Array.from({ length: LATEST + 1 }, (_, i) => ({ version: i + 1 })),
    );
    expect(await sql(url, 'SELECT value FROM datapoints')).toEqual([{ value: 1 }]);
  });

  it("seeds each KPI's last success from the ok runs already stored when it adds the table", async () => {
    const url = await server.createDatabase();
    const pool = new Pool({ connectionString: url });
    await migrate(pool, MIGRATIONS.slice(0, 3)).finally(() => pool.end()); // the release before the table
    const runs = [
      ['a', 'mrr', 'ok', '2024-03-01T10:00:00+01:00'],
      ['b', 'mrr', 'ok', '2024-03-01T09:30:00Z'],
      ['c', 'mrr', 'failed', '2024-03-02T00:00:00Z'],
    ];
    for (const [id, kpi, status, finishedAt] of runs) {
      await sql(url, "INSERT INTO runs (id, kpi, status, started_at, finished_at, record) VALUES ($1, $2, $3, '2024-03-01T00:00:00Z', $4, $5::jsonb)", [
        id,
        kpi,
        status,
        finishedAt,
        JSON.stringify({ id, kpi, status, finishedAt }),
      ]);
    }
    expect(await (await open(url)).lastSuccessfulSyncs()).toEqual(new Map([['mrr', '2024-03-01T09:30:00Z']]));
  });

  it('records a KR value and a transition once when several processes commit them at the same time', async () => {
    const url = await server.createDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => open(url, { poolSize: 3 })));
    const everywhere = (commit: () => SyncCommit) => Promise.all(stores.flatMap((store) => Array.from({ length: 3 }, () => store.commitSync(commit()))));
    for (let round = 0; round < 5; round += 1) {
      const kr = `kr-${round}`;
      const at = `2024-01-0${round + 1}T00:00:00Z`;
      // Progress alone: no other row of the commit serializes the twelve transactions.
      const results = await everywhere(() => ({ kpi: 'churn', progress: [progress(kr, 5, 0.5, 'on_track', at)] }));
      expect(
        results.reduce((sum, r) => sum + r.progressAppended, 0),
        kr,
      ).toBe(1);
      expect(await stores[0]!.listProgress(kr)).toHaveLength(1);
      await everywhere(() => ({ kpi: 'churn', health: { record: health('warn', at), transition: transition('churn', 'ok', 'warn', at) } }));
    }
    expect(await stores[1]!.listTransitions('churn')).toHaveLength(5);
  });

  it('fails a statement that runs past statement_timeout with a retryable KS_ERR_STORE, then carries on', async () => {
    const url = await server.createDatabase();
    const store = await open(url, { statementTimeoutMs: 200 });
    const locker = new Client({ connectionString: url });
    await locker.connect();
    cleanups.push(() => locker.end());
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE datapoints IN ACCESS EXCLUSIVE MODE');

    const error = await store.listDatapoints('mrr').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KS_ERR_STORE', retryable: true });
    expect((error as Error).message).toMatch(/^Store listDatapoints failed \(57014\): canceling statement due to statement timeout/);

    await locker.query('ROLLBACK');
    expect(await store.listDatapoints('mrr')).toEqual([]);
  });

  it('queues callers when the pool is exhausted: ten concurrent calls on one connection all succeed', async () => {
    const url = await server.createDatabase();
    const store = await open(url, { poolSize: 1 });
    const locker = new Client({ connectionString: url });
    await locker.connect();
    cleanups.push(() => locker.end());
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE datapoints IN ACCESS EXCLUSIVE MODE');

    const calls = Array.from({ length: 10 }, (_, i) =>
      i % 2 === 0
        ? store.commitSync({ kpi: 'mrr', datapoints: { points: [dp('mrr', new Date(Date.UTC(2024, 0, 1 + i)).toISOString(), i)], options: {} } })
        : store.listDatapoints('mrr'),
    );
    const activity = () =>
      sql<{ waiting: boolean }>(
        url,
        "SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'kpi-sync'",
      );
    // The first call holds the pool's only connection, stuck behind the lock; the other nine wait for it.
    await until(async () => (await activity()).some((a) => a.waiting));
    expect(await activity()).toEqual([{ waiting: true }]);
    await locker.query('COMMIT');

    const results = await Promise.all(calls);
    expect(results.filter((r) => !Array.isArray(r)).reduce((sum, r) => sum + (r as { written: number }).written, 0)).toBe(5);
    expect(await store.listDatapoints('mrr')).toHaveLength(5);
  });

  it('survives a server restart mid-use: calls fail retryably at worst, and the next one succeeds', async () => {
    const url = await server.createDatabase();
    const logs: Record<string, unknown>[] = [];
    const store = await open(url, { logger: captureLogger(logs) });
    await store.upsertDatapoints([dp('mrr', '2024-01-01T00:00:00Z', 1)]);

    let stop = false;
    const seen: unknown[] = [];
    const traffic = (async () => {
      for (let i = 0; !stop; i += 1) seen.push(await outcome(store.commitSync({ kpi: 'mrr', run: run(`r${i}`, 'mrr', '2024-01-01T00:00:00Z') })));
    })();
    await until(() => seen.length >= 3);
    await server.restart();
    const afterRestart = await outcome(store.listDatapoints('mrr'));
    stop = true;
    await traffic;
    for (const result of [...seen, afterRestart]) {
      if (result instanceof KsError) expect(result).toMatchObject({ code: 'KS_ERR_STORE', retryable: true });
    }
    expect(await store.listDatapoints('mrr')).toEqual([dp('mrr', '2024-01-01T00:00:00Z', 1)]);

    server.kill();
    const down = await outcome(store.listDatapoints('mrr'));
    expect(down).toMatchObject({ code: 'KS_ERR_STORE', retryable: true });
    await server.start();
    expect(await store.listDatapoints('mrr')).toEqual([dp('mrr', '2024-01-01T00:00:00Z', 1)]);
  });

  it('keeps the password out of errors, and tells retryable failures from bad statements', async () => {
    const port = await freePort();
    const refused = await openPostgresStore(`postgres://postgres:${PASSWORD}@127.0.0.1:${port}/kpi`).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'KS_ERR_STORE', retryable: true, message: expect.stringMatching(/ECONNREFUSED/) });
    const [host, db] = [`127.0.0.1:${server.port}`, 'no_such_database'];
    const missing = await openPostgresStore(`postgres://postgres:${PASSWORD}@${host}/${db}`).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'KS_ERR_STORE', retryable: false, message: expect.stringMatching(/\(3D000\).*no_such_database/) });
    for (const error of [refused, missing]) {
      // What a pino log line of the error would hold, cause included.
      expect(JSON.stringify(pino.stdSerializers.err(error as Error))).not.toContain(PASSWORD);
    }

    const classify = (code: string) => toPostgresStoreError('op', Object.assign(new Error(`failure ${code}`), { code })).retryable;
    expect(['40001', '40P01', '57P01', '57P02', '57P03', '53300', '08006', 'ECONNRESET'].map(classify)).toEqual(Array(8).fill(true));
    expect(['23505', '42601', '42P01', '22P02', '3D000', '28P01'].map(classify)).toEqual(Array(6).fill(false));
    expect(
      toPostgresStoreError('op', new Error(`could not connect to postgres://u:${PASSWORD}@h/db`), (t) => t.replaceAll(PASSWORD, '***')).message,
    ).not.toContain(PASSWORD);
  });

  it('waits for a server that is down at start, one warn line per attempt, and stops waiting when aborted', async () => {
    const later = await startPostgresServer({ deferStart: true });
    cleanups.push(() => later.stop());
    const url = `postgres://postgres:${PASSWORD}@127.0.0.1:${later.port}/postgres`;
    const lines: Record<string, unknown>[] = [];
    let ready = false;
    const waiting = waitForPostgres(url, { logger: captureLogger(lines), maxDelayMs: 50 }).then(() => (ready = true));

    await until(() => lines.length >= 3);
    expect(ready).toBe(false);
    await later.start();
    await waiting;
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings.map((l) => l.attempt)).toEqual(warnings.map((_, i) => i + 1));
    expect(warnings[0]).toMatchObject({ postgres: `127.0.0.1:${later.port}`, retryInMs: 50, error: expect.stringMatching(/ECONNREFUSED/) });
    expect(warnings[0]?.msg).toMatch(new RegExp(`^postgres at 127\\.0\\.0\\.1:${later.port} unreachable \\(.*ECONNREFUSED.*\\), retrying in 0\\.05s$`));
    expect(JSON.stringify(lines)).not.toContain(PASSWORD);

    const controller = new AbortController();
    const nowhere = `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;
    const gaveUp = waitForPostgres(nowhere, { signal: controller.signal, maxDelayMs: 50 });
    controller.abort(new Error('shutting down'));
    await expect(gaveUp).rejects.toThrow('shutting down');
  });

  it('serves the documented views from what was written through the Store interface', async () => {
    const url = await server.createDatabase();
    const store = await open(url);
    await store.commitSync({
      kpi: 'churn',
      datapoints: { points: [dp('churn', '2024-03-01T00:00:00+01:00', 6.1, { approximate: true }), dp('churn', '2024-02-01T00:00:00+01:00', 5)], options: {} },
      health: { record: health('warn', '2024-03-05T00:00:00Z'), transition: transition('churn', 'ok', 'warn', '2024-03-05T00:00:00Z') },
      progress: [progress('kr-churn', 6.1, 0.25, 'at_risk', '2024-03-05T00:00:00Z')],
      run: run('r-1', 'churn', '2024-03-05T00:00:00Z', {
        status: 'failed',
        finishedAt: '2024-03-05T00:00:02Z',
        durationMs: 2000,
        datapoints: 2,
        rejected: 1,
        error: { code: 'KS_ERR_AUTH', message: '401 from the source' },
      }),
    });
    await store.saveRun(run('r-0', 'nps', '2024-03-04T00:00:00Z', { status: 'ok' }));

    expect(await sql(url, 'SELECT kpi, period, value, source, approximate FROM kpi_datapoints ORDER BY period')).toEqual([
      { kpi: 'churn', period: new Date('2024-01-31T23:00:00Z'), value: 5, source: 'salesforce', approximate: false },
      { kpi: 'churn', period: new Date('2024-02-29T23:00:00Z'), value: 6.1, source: 'salesforce', approximate: true },
    ]);
    expect(await sql(url, 'SELECT kpi, period, value, health_state, health_since, last_run_status, last_run_error_code FROM kpi_latest ORDER BY kpi')).toEqual([
      {
        kpi: 'churn',
        period: new Date('2024-02-29T23:00:00Z'),
        value: 6.1,
        health_state: 'warn',
        health_since: new Date('2024-03-05T00:00:00Z'),
        last_run_status: 'failed',
        last_run_error_code: 'KS_ERR_AUTH',
      },
      { kpi: 'nps', period: null, value: null, health_state: null, health_since: null, last_run_status: 'ok', last_run_error_code: null },
    ]);
    expect(await sql(url, 'SELECT kr, value, progress, expected, track, at FROM kr_progress_latest')).toEqual([
      { kr: 'kr-churn', value: 6.1, progress: 0.25, expected: 0.5, track: 'at_risk', at: new Date('2024-03-05T00:00:00Z') },
    ]);
    expect(
      await sql(
        url,
        "SELECT kpi, status, started_at, finished_at, duration_ms, error_code, error_message, datapoints, rejected FROM sync_runs WHERE status = 'failed'",
      ),
    ).toEqual([
      {
        kpi: 'churn',
        status: 'failed',
        started_at: new Date('2024-03-05T00:00:00Z'),
        finished_at: new Date('2024-03-05T00:00:02Z'),
        duration_ms: 2000,
        error_code: 'KS_ERR_AUTH',
        error_message: '401 from the source',
        datapoints: '2',
        rejected: '1',
      },
    ]);
  });
});
