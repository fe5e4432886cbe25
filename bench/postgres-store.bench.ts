import { statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import type { Datapoint } from '../src/domain/types.ts';
import { UPSERT_SQL } from '../src/store/postgres/datapoints.ts';
import { openPostgresStore } from '../src/store/postgres/postgres.store.ts';
import { startPostgresServer, type PostgresServer } from '../tests/setup/postgres-server.ts';
import { BATCH, makeBatches, ROWS, upsertRate } from './datapoint-batches.ts';

/** Best of several rounds, alternating raw and store, each on a fresh database, to damp cache and autovacuum noise. */
const ROUNDS = 3;
/** The history the read figures are taken on: KPIS KPIs × DAYS days of 5-minute runs and datapoints. */
const KPIS = Number(process.env.KPI_SYNC_BENCH_PG_KPIS ?? 10_000);
const DAYS = Number(process.env.KPI_SYNC_BENCH_PG_DAYS ?? 30);
const STEPS_PER_DAY = 288;
const READS = 500;

/**
 * The Postgres Store on a private server (fsync off, as every figure here is about
 * the adapter, not the disk):
 * - datapoint upserts in batches of 1,000 through the Store against the floor of raw
 *   `pg` inserts of the same rows in the same batch shape (one INSERT … SELECT FROM
 *   unnest per batch, parameters precomputed), and their ratio;
 * - p95 of `listDatapoints(kpi, { limit: 1000 })` and `listRuns({ limit: 50 })` over a
 *   history of KPIS × DAYS of 5-minute runs and datapoints (86.4 M rows each at the
 *   defaults), generated server-side with generate_series, with the tables' size on disk.
 * At the defaults that takes about 16 minutes on 2 cores and 60 GB of disk while it
 * runs (the folder is deleted afterwards). A smaller history:
 * KPI_SYNC_BENCH_PG_KPIS=1000 KPI_SYNC_BENCH_PG_DAYS=30 npm run bench -- postgres-store
 */
export async function run(): Promise<Record<string, unknown>> {
  checkDiskSpace();
  const server = await startPostgresServer({
    settings: {
      shared_buffers: "'2GB'",
      maintenance_work_mem: "'1GB'",
      work_mem: "'64MB'",
      // Bounded: the history itself needs tens of GB at the defaults.
      max_wal_size: "'4GB'",
      checkpoint_timeout: "'1h'",
      wal_level: 'minimal',
      max_wal_senders: 0,
    },
  });
  try {
    const upserts = await upsertFigures(server);
    const reads = await readFigures(server);
    return { ...upserts, ...reads };
  } finally {
    await server.stop();
  }
}

async function upsertFigures(server: PostgresServer): Promise<Record<string, unknown>> {
  const batches = makeBatches();
  let raw = 0;
  let rawUpsert = 0;
  let store = 0;
  let again = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const rawFirst = round % 2 === 0;
    if (rawFirst) raw = Math.max(raw, await rawStatements(server, batches, RAW_INSERT));
    const rates = await storeUpserts(server, batches);
    store = Math.max(store, rates.fresh);
    again = Math.max(again, rates.again);
    rawUpsert = Math.max(rawUpsert, await rawStatements(server, batches, UPSERT_SQL));
    if (!rawFirst) raw = Math.max(raw, await rawStatements(server, batches, RAW_INSERT));
  }
  return {
    rows: ROWS,
    batchSize: BATCH,
    postgresUpsertsPerSec: Math.round(store),
    rawPgUnnestInsertsPerSec: Math.round(raw),
    storeVsRawRatio: Number((store / raw).toFixed(3)),
    rawPgUnnestUpsertsPerSec: Math.round(rawUpsert),
    storeVsRawUpsertRatio: Number((store / rawUpsert).toFixed(3)),
    postgresUnchangedReupsertsPerSec: Math.round(again),
  };
}

async function storeUpserts(server: PostgresServer, batches: Datapoint[][]): Promise<{ fresh: number; again: number }> {
  const store = await openPostgresStore(await server.createDatabase());
  try {
    return { fresh: await upsertRate(store, batches), again: await upsertRate(store, batches) };
  } finally {
    await store.close();
  }
}

/**
 * The floor: plain INSERT of the same rows into the same (migrated) table, one
 * INSERT … SELECT FROM unnest per batch, instants as epoch ms (measured faster than
 * ISO text on both sides), no checks and no conflict handling.
 */
const RAW_INSERT = `
  INSERT INTO datapoints (kpi, period, period_iso, value, observed_at, observed_at_iso, source, approximate)
  SELECT kpi, to_timestamp(period_ms / 1000), period_iso, value, to_timestamp(observed_ms / 1000), observed_iso, source, approximate
  FROM unnest($1::text[], $2::float8[], $3::text[], $4::float8[], $5::float8[], $6::text[], $7::text[], $8::boolean[])
    AS u(kpi, period_ms, period_iso, value, observed_ms, observed_iso, source, approximate)`;

/**
 * `sql` (RAW_INSERT, or the store's own upsert statement to separate what ON CONFLICT
 * costs from what the adapter costs) over the same rows, parameters precomputed, so
 * the ratio charges the store for everything it does per row.
 */
async function rawStatements(server: PostgresServer, batches: Datapoint[][], sql: string): Promise<number> {
  const url = await server.createDatabase();
  await (await openPostgresStore(url)).close();
  const params = batches.map((batch) => [
    batch.map((p) => p.kpi),
    batch.map((p) => Date.parse(p.period)),
    batch.map((p) => p.period),
    batch.map((p) => p.value),
    batch.map((p) => Date.parse(p.observedAt)),
    batch.map((p) => p.observedAt),
    batch.map((p) => p.source),
    batch.map((p) => p.approximate === true),
    // The upsert's closedBefore: none, every period open.
    ...(sql === UPSERT_SQL ? [null] : []),
  ]);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const start = performance.now();
    for (const values of params) await client.query({ name: 'raw', text: sql, values });
    return ROWS / ((performance.now() - start) / 1000);
  } finally {
    await client.end();
  }
}

async function readFigures(server: PostgresServer): Promise<Record<string, unknown>> {
  const url = await server.createDatabase();
  await (await openPostgresStore(url)).close();
  const admin = new Client({ connectionString: url });
  await admin.connect();
  const started = performance.now();
  try {
    await generateHistory(admin);
  } finally {
    await admin.end().catch(() => undefined);
  }
  const generateSeconds = Math.round((performance.now() - started) / 1000);

  const store = await openPostgresStore(url);
  try {
    const random = seeded(42);
    const kpi = () => `kpi-${Math.floor(random() * KPIS)}`;
    const datapointsMs = await p95(
      () => store.listDatapoints(kpi(), { limit: 1000 }),
      (points) => points.length === Math.min(1000, DAYS * STEPS_PER_DAY),
    );
    const runsMs = await p95(
      () => store.listRuns({ limit: 50 }),
      (runs) => runs.length === 50,
    );
    const kpiRunsMs = await p95(
      () => store.listRuns({ kpi: kpi(), limit: 50 }),
      (runs) => runs.length === 50,
    );
    const sizes = await sizesOnDisk(url);
    return {
      history: { kpis: KPIS, days: DAYS, runs: KPIS * DAYS * STEPS_PER_DAY, datapoints: KPIS * DAYS * STEPS_PER_DAY, generateSeconds, ...sizes },
      listDatapoints1000P95Ms: datapointsMs.p95,
      listDatapoints1000P50Ms: datapointsMs.p50,
      listRuns50P95Ms: runsMs.p95,
      listRuns50P50Ms: runsMs.p50,
      listRunsOfKpi50P95Ms: kpiRunsMs.p95,
    };
  } finally {
    await store.close();
  }
}

/**
 * Time-major, as syncs write it (every KPI's row for 00:00, then for 00:05, …), one
 * day per statement. Indexes are dropped for the load and built afterwards: the same
 * definitions, built in one sorted pass instead of 86 M random inserts.
 */
async function generateHistory(db: Client): Promise<void> {
  await db.query('SET statement_timeout = 0');
  const steps = STEPS_PER_DAY;
  const iso = (column: string) => `to_char((${column}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
  await withoutIndexes(db, ['datapoints', 'runs'], async () => {
    for (let day = 0; day < DAYS; day += 1) {
      const from = `timestamptz '2024-01-01 00:00:00+00' + (${day * steps} + s) * interval '5 minutes'`;
      await db.query(
        `INSERT INTO datapoints (kpi, period, period_iso, value, observed_at, observed_at_iso, source, approximate)
         SELECT 'kpi-' || k, t, ${iso('t')}, k * 10 + s % 100, t + interval '30 seconds', ${iso("t + interval '30 seconds'")}, 'bench', false
         FROM generate_series(0, ${steps - 1}) s CROSS JOIN generate_series(0, ${KPIS - 1}) k CROSS JOIN LATERAL (SELECT ${from} AS t) x`,
      );
      await db.query(
        `INSERT INTO runs (id, kpi, source, mode, status, started_at, finished_at, duration_ms, raw_values, datapoints, rejected,
                           error_code, error_message, record)
         SELECT id, kpi, 'bench', 'current', status, t, t + interval '1.5 seconds', 1500, 1, 1, 0, code, message,
                jsonb_strip_nulls(jsonb_build_object('id', id, 'kpi', kpi, 'source', 'bench', 'mode', 'current', 'status', status,
                  'startedAt', ${iso('t')}, 'finishedAt', ${iso("t + interval '1.5 seconds'")}, 'durationMs', 1500,
                  'rawValues', 1, 'datapoints', 1, 'error', CASE WHEN code IS NULL THEN NULL
                    ELSE jsonb_build_object('code', code, 'message', message) END))
         FROM generate_series(0, ${steps - 1}) s CROSS JOIN generate_series(0, ${KPIS - 1}) k
         CROSS JOIN LATERAL (SELECT ${from} AS t, 'kpi-' || k AS kpi, 'run-${day}-' || s || '-' || k AS id,
                                    CASE WHEN (k + s) % 97 = 0 THEN 'KS_ERR_TRANSIENT' END AS code) x
         CROSS JOIN LATERAL (SELECT CASE WHEN code IS NULL THEN 'ok' ELSE 'failed' END AS status,
                                    CASE WHEN code IS NULL THEN NULL ELSE '503 from the source' END AS message) y`,
      );
    }
  });
  await db.query('ANALYZE datapoints');
  await db.query('ANALYZE runs');
}

async function withoutIndexes(db: Client, tables: string[], load: () => Promise<void>): Promise<void> {
  const { rows: constraints } = await db.query<{ table: string; name: string; def: string }>(
    `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS def
     FROM pg_constraint WHERE contype = 'p' AND conrelid::regclass::text = ANY($1)`,
    [tables],
  );
  const { rows: indexes } = await db.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes
     WHERE schemaname = 'public' AND tablename = ANY($1) AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p')`,
    [tables],
  );
  for (const c of constraints) await db.query(`ALTER TABLE ${c.table} DROP CONSTRAINT ${c.name}`);
  for (const i of indexes) await db.query(`DROP INDEX ${i.name}`);
  await load();
  for (const c of constraints) await db.query(`ALTER TABLE ${c.table} ADD CONSTRAINT ${c.name} ${c.def}`);
  for (const i of indexes) await db.query(i.def);
}

/**
 * Measured at the defaults: about 520 bytes a run (its jsonb record and five indexes)
 * and 160 a datapoint on disk, plus up to 4 GB of WAL and the sort space of an index
 * build. Refuses up front rather than filling the disk of a shared machine half an hour in.
 */
function checkDiskSpace(): void {
  const rows = KPIS * DAYS * STEPS_PER_DAY;
  const needed = rows * (520 + 160) * 1.1 + 8 * 2 ** 30;
  const { bavail, bsize } = statfsSync(tmpdir());
  if (bavail * bsize < needed) {
    throw new Error(
      `postgres-store bench: the history (${KPIS} KPIs × ${DAYS} days) needs about ${Math.ceil(needed / 2 ** 30)} GiB in ${tmpdir()}, ` +
        `${Math.floor((bavail * bsize) / 2 ** 30)} GiB free; set KPI_SYNC_BENCH_PG_KPIS / KPI_SYNC_BENCH_PG_DAYS lower`,
    );
  }
}

async function sizesOnDisk(url: string): Promise<Record<string, string>> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query<{ runs: string; datapoints: string }>(
      "SELECT pg_size_pretty(pg_total_relation_size('runs')) AS runs, pg_size_pretty(pg_total_relation_size('datapoints')) AS datapoints",
    );
    return { runsTableSize: rows[0]!.runs, datapointsTableSize: rows[0]!.datapoints };
  } finally {
    await db.end();
  }
}

/** p50 and p95 of READS sequential calls after a warm-up, each checked (a fast wrong answer is no figure). */
async function p95<T>(call: () => Promise<T>, ok: (result: T) => boolean): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 20; i += 1) await call();
  const times: number[] = [];
  for (let i = 0; i < READS; i += 1) {
    const start = performance.now();
    const result = await call();
    times.push(performance.now() - start);
    if (!ok(result)) throw new Error('a read returned an unexpected result');
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Number(times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2));
  return { p50: at(0.5), p95: at(0.95) };
}

/** mulberry32: the same KPIs on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
