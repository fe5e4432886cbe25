import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Datapoint } from '../../src/domain/types.ts';
import { KsError } from '../../src/sdk/errors.ts';
import { MIGRATIONS, migrate, userVersion } from '../../src/store/sqlite/migrations.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite.store.ts';
import type { Store } from '../../src/store/store.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { defineStoreContractTests } from './store.contract.ts';

const LATEST = MIGRATIONS.length;

defineStoreContractTests('sqlite file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kpi-sync-store-'));
  const path = join(dir, 'kpi-sync.db');
  const opened: Store[] = [await openSqliteStore(path)];
  return {
    store: opened[0]!,
    reopen: async () => {
      await opened.at(-1)!.close();
      opened.push(await openSqliteStore(path));
      return opened.at(-1)!;
    },
    cleanup: async () => {
      for (const store of opened) await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite store', () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kpi-sync-sqlite-'));
    path = join(dir, 'data', 'nested', 'kpi-sync.db');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the parent folder and migrates an empty file to the latest schema', async () => {
    const logs: Record<string, unknown>[] = [];
    const store = await openSqliteStore(path, { logger: captureLogger(logs) });
    await store.close();

    expect(existsSync(path)).toBe(true);
    const db = new Database(path, { readonly: true });
    expect(userVersion(db)).toBe(LATEST);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual([
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
      'silences',
      'sync_runs',
    ]);
    db.close();
    expect(logs.filter((l) => l.msg === 'store schema migrated')).toMatchObject([{ from: 0, to: LATEST }]);
  });

  it('reopens without migrating again and keeps the data', async () => {
    const first = await openSqliteStore(path);
    await first.upsertDatapoints([point('2024-01-01T00:00:00Z', 1)]);
    await first.close();

    const logs: Record<string, unknown>[] = [];
    const second = await openSqliteStore(path, { logger: captureLogger(logs) });
    expect(await second.listDatapoints('mrr')).toEqual([point('2024-01-01T00:00:00Z', 1)]);
    await second.close();
    expect(logs.filter((l) => l.msg === 'store schema migrated')).toEqual([]);
  });

  it('refuses a database written by a newer kpi-sync and leaves it untouched', async () => {
    await (await openSqliteStore(path)).close();
    const db = new Database(path);
    db.pragma(`user_version = ${LATEST + 1}`);
    db.close();

    const error = await openSqliteStore(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KsError);
    expect(error).toMatchObject({ code: 'KS_ERR_STORE', retryable: false });
    expect((error as Error).message).toContain(`schema version ${LATEST + 1}, newer than this kpi-sync knows (${LATEST})`);

    const check = new Database(path, { readonly: true });
    expect(userVersion(check)).toBe(LATEST + 1);
    check.close();
  });

  it("seeds each KPI's last success from the ok runs already stored when it adds the table", async () => {
    const db = new Database(join(dir, 'seed.db'));
    migrate(db, MIGRATIONS.slice(0, 5)); // the release before the table
    const put = db.prepare('INSERT INTO sync_runs (id, kpi, status, started_at, started_ms, record) VALUES (?, ?, ?, ?, 0, ?)');
    const runs = [
      { id: 'a', kpi: 'mrr', status: 'ok', finishedAt: '2024-03-01T10:00:00+01:00' }, // 09:00Z
      { id: 'b', kpi: 'mrr', status: 'ok', finishedAt: '2024-03-01T09:30:00Z' },
      { id: 'c', kpi: 'mrr', status: 'failed', finishedAt: '2024-03-02T00:00:00Z' },
      { id: 'd', kpi: 'churn', status: 'ok' },
    ];
    for (const r of runs) put.run(r.id, r.kpi, r.status, '2024-03-01T00:00:00Z', JSON.stringify({ ...r, startedAt: '2024-03-01T00:00:00Z' }));
    db.close();

    const store = await openSqliteStore(db.name);
    expect(await store.lastSuccessfulSyncs()).toEqual(new Map([['mrr', '2024-03-01T09:30:00Z']]));
    await store.close();
  });

  it('applies each migration in its own transaction and rolls a failing one back', () => {
    const db = new Database(':memory:');
    const steps = [
      { version: 1, name: 'one', sql: 'CREATE TABLE one (x INTEGER);' },
      { version: 2, name: 'two', sql: 'CREATE TABLE two (x INTEGER); INSERT INTO missing VALUES (1);' },
    ];
    expect(() => migrate(db, steps)).toThrow(/Migration 2 \(two\) .* failed and was rolled back: no such table: missing/);
    expect(userVersion(db)).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(['one']);

    expect(migrate(db, [steps[0]!, { ...steps[1]!, sql: 'CREATE TABLE two (x INTEGER);' }])).toEqual({ from: 1, to: 2 });
    expect(() => migrate(db, [{ version: 2, name: 'gap', sql: '' }])).toThrow(/expected 1/);
    db.close();
  });

  it('runs in WAL mode, so a second connection reads committed data while the store is open', async () => {
    const store = await openSqliteStore(path);
    await store.upsertDatapoints([point('2024-01-01T00:00:00Z', 1), point('2024-02-01T00:00:00Z', 2)]);

    const reader = new Database(path, { readonly: true });
    expect(reader.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect(reader.prepare('SELECT value FROM datapoints ORDER BY period_ms').pluck().all()).toEqual([1, 2]);
    reader.close();
    await store.close();
  });

  it('loses nothing committed when the writing process is killed', async () => {
    const storeUrl = pathToFileURL(join(import.meta.dirname, '../../src/store/sqlite/sqlite.store.ts')).href;
    const script = `
      import { openSqliteStore } from ${JSON.stringify(storeUrl)};
      const store = await openSqliteStore(${JSON.stringify(path)});
      const points = Array.from({ length: 500 }, (_, i) => ({
        kpi: 'mrr', period: new Date(Date.UTC(2020, 0, 1 + i)).toISOString(), value: i,
        observedAt: '2024-06-01T00:00:00Z', source: 'salesforce',
      }));
      await store.upsertDatapoints(points);
      process.kill(process.pid, 'SIGKILL');
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '--eval', script], { encoding: 'utf8' });
    expect(child.signal, child.stderr).toBe('SIGKILL');

    const store = await openSqliteStore(path);
    const points = await store.listDatapoints('mrr');
    expect(points).toHaveLength(500);
    expect(points.at(-1)?.value).toBe(499);
    await store.close();
  });

  it('fails a write blocked by another connection with a retryable store error', async () => {
    const store = await openSqliteStore(path, { busyTimeoutMs: 50 });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const error = await store.upsertDatapoints([point('2024-01-01T00:00:00Z', 1)]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KS_ERR_STORE', retryable: true });
    expect((error as Error).message).toMatch(/SQLITE_BUSY/);
    other.exec('ROLLBACK');
    other.close();

    expect(await store.upsertDatapoints([point('2024-01-01T00:00:00Z', 1)])).toEqual({ written: 1, skipped: 0 });
    await store.close();
  });

  it('names the bad field when input cannot be stored', async () => {
    const store = await openSqliteStore(':memory:');
    await expect(store.listDatapoints('mrr', { from: 'yesterday' })).rejects.toThrow(/from "yesterday" is not an ISO instant/);
    await expect(store.listDatapoints('mrr', { limit: -1 })).rejects.toThrow(/limit -1/);
    await expect(store.upsertDatapoints([point('2024-01-01', Number.POSITIVE_INFINITY)])).rejects.toMatchObject({
      code: 'KS_ERR_INTERNAL',
      message: expect.stringMatching(/KPI "mrr" at 2024-01-01: value Infinity is not finite/),
    });
    await expect(store.listRuns()).resolves.toEqual([]);
    await store.close();
  });
});

function point(period: string, value: number): Datapoint {
  return { kpi: 'mrr', period, value, observedAt: '2024-06-01T00:00:00Z', source: 'salesforce' };
}
