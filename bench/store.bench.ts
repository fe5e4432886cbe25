import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { Datapoint } from '../src/domain/types.ts';
import { migrate } from '../src/store/sqlite/migrations.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite.store.ts';
import { BATCH, makeBatches, ROWS, upsertRate } from './datapoint-batches.ts';

/** Best of several rounds, alternating raw and store, each on a fresh file, to damp disk and GC noise. */
const ROUNDS = 5;

/**
 * Datapoint upserts through the SQLite Store against the floor of raw
 * better-sqlite3: the same rows, the same schema and pragmas, transactions of the
 * same size. The raw side gets its parameters precomputed, so the ratio charges
 * the store for everything it does per row (validation, Date.parse, change check).
 */
export async function run(): Promise<Record<string, unknown>> {
  const batches = makeBatches();
  const dir = await mkdtemp(join(tmpdir(), 'kpi-sync-bench-'));
  try {
    let raw = 0;
    let store = 0;
    let reupsert = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const rawFirst = round % 2 === 0;
      if (rawFirst) raw = Math.max(raw, rawInserts(join(dir, `raw-${round}.db`), batches));
      const rates = await storeUpserts(join(dir, `store-${round}.db`), batches);
      store = Math.max(store, rates.fresh);
      reupsert = Math.max(reupsert, rates.again);
      if (!rawFirst) raw = Math.max(raw, rawInserts(join(dir, `raw-${round}.db`), batches));
    }
    return {
      rows: ROWS,
      batchSize: BATCH,
      sqliteUpsertsPerSec: Math.round(store),
      rawBetterSqliteInsertsPerSec: Math.round(raw),
      storeVsRawRatio: Number((store / raw).toFixed(3)),
      sqliteUnchangedReupsertsPerSec: Math.round(reupsert),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function storeUpserts(path: string, batches: Datapoint[][]): Promise<{ fresh: number; again: number }> {
  const store = await openSqliteStore(path);
  try {
    return { fresh: await upsertRate(store, batches), again: await upsertRate(store, batches) };
  } finally {
    await store.close();
  }
}

function rawInserts(path: string, batches: Datapoint[][]): number {
  const db = new Database(path, { timeout: 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrate(db);
    const insert = db.prepare(
      `INSERT INTO datapoints (kpi, period_ms, period, value, observed_at, source, approximate) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (kpi, period_ms) DO UPDATE SET period = excluded.period, value = excluded.value,
         observed_at = excluded.observed_at, source = excluded.source, approximate = excluded.approximate`,
    );
    const rows = batches.map((batch) => batch.map((p) => [p.kpi, Date.parse(p.period), p.period, p.value, p.observedAt, p.source, 0] as const));
    const write = db.transaction((batch: (typeof rows)[number]) => {
      for (const r of batch) insert.run(r[0], r[1], r[2], r[3], r[4], r[5], r[6]);
    });
    const start = performance.now();
    for (const batch of rows) write.immediate(batch);
    return ROWS / ((performance.now() - start) / 1000);
  } finally {
    db.close();
  }
}
