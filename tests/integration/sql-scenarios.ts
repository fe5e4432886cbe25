import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { closeIdleSessions } from '../../connectors/sql/client.ts';
import sql from '../../connectors/sql/index.ts';
import type { SyncWindow } from '../../src/sdk/index.ts';
import { capturedLogger, createCheckContext, createTestContext } from '../../src/sdk/testing/index.ts';
import { expected, NOVEMBER_PARIS, NOVEMBER_UTC, ORDERS, READER, WRITER, WRONG_PASSWORD, YEAR_PARIS } from '../helpers/sql-servers.ts';
import { freePort } from '../setup/redis-server.ts';

/**
 * What every dialect must do against its real server (one file per server calls
 * this): window values through bind parameters, rows-mode backfill, read-only
 * enforcement, the statement timeout, abort, and the typed errors.
 */
export interface SqlScenarioSetup {
  /** Connection settings (as written in YAML) for a user. */
  connection(user: { user: string; password: string }, extra?: Record<string, unknown>): Record<string, unknown>;
  sql: {
    /** Count and sum of orders in the window, on the column that holds the instant. */
    count: string;
    sum: string;
    /** The same sum through columns holding Paris wall times, Paris dates, and UTC wall times. */
    sumLocal: string;
    countDays: string;
    sumUtcWall: string;
    /** Rows of (period start, count) for the window, grouped by month in the KPI zone. */
    rowsByMonth: string;
    /** A statement that writes (and would return one number). */
    insert: string;
    /** Two statements, the second a DELETE. */
    twoStatements: string;
    /** A statement that sleeps `seconds`, tagged with `marker` so the server's process list can find it. */
    sleep(seconds: number, marker: string): string;
    /** A statement that runs for about a minute and that the server does not stop when its client goes away: only a cancel does. */
    longRunning(marker: string): string;
  };
  /** Orders in the table now (as the superuser). */
  countOrders(): Promise<number>;
  /** Statements the server is running now whose text holds `marker`. */
  running(marker: string): Promise<number>;
  /** Sessions the server has open for `user`. */
  sessionsOf(user: string): Promise<number>;
  /** A user the check must find writable, and the words it reports. */
  writable: { user: { user: string; password: string }; says: RegExp };
}

const count = (window: SyncWindow) => expected(window).count;

/** Polls `read` until it returns `want` (a server's process list lags a little), or fails after `ms`. */
async function eventually<T>(read: () => Promise<T>, want: T, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (last !== want && Date.now() < deadline) {
    await sleep(50);
    last = await read();
  }
  expect(last).toBe(want);
}

export function defineSqlScenarios(name: string, getSetup: () => SqlScenarioSetup): void {
  const parse = (settings: Record<string, unknown>) => sql.connectionSchema.parse(settings);
  const fetch = (
    settings: Record<string, unknown>,
    text: string,
    window: SyncWindow,
    extra: Record<string, unknown> = {},
    mode: 'current' | 'backfill' = 'current',
  ) => {
    const ctx = createTestContext({ window, mode });
    return { ctx, result: sql.fetch(parse(settings), sql.querySchema.parse({ sql: text, ...extra }), ctx) };
  };
  const reader = () => getSetup().connection(READER);

  afterAll(async () => {
    await closeIdleSessions();
  });

  describe(`sql connector on ${name}`, () => {
    it('counts and sums the orders of a UTC month through bind parameters, one query each', async () => {
      const { sql: q } = getSetup();
      const counted = fetch(reader(), q.count, NOVEMBER_UTC);
      expect(await counted.result).toEqual([{ value: count(NOVEMBER_UTC), at: NOVEMBER_UTC.start }]);
      expect(counted.ctx.diagnostics.counters).toEqual({ queries: 1, rowsRead: 1 });
      expect(await fetch(reader(), q.sum, NOVEMBER_UTC).result).toEqual([{ value: expected(NOVEMBER_UTC).sum, at: NOVEMBER_UTC.start }]);
    });

    it('a month in Europe/Paris: the same bounds on instants, wall times, dates and UTC wall times', async () => {
      const { sql: q } = getSetup();
      const want = expected(NOVEMBER_PARIS);
      // Four orders sit within an hour of November's edges, so UTC and Paris months differ.
      expect(want).not.toEqual(expected(NOVEMBER_UTC));
      expect(await fetch(reader(), q.count, NOVEMBER_PARIS).result).toEqual([{ value: want.count, at: NOVEMBER_PARIS.start }]);
      for (const text of [q.sum, q.sumLocal, q.sumUtcWall]) {
        expect((await fetch(reader(), text, NOVEMBER_PARIS).result)[0]?.value, text).toBe(want.sum);
      }
      expect((await fetch(reader(), q.countDays, NOVEMBER_PARIS).result)[0]?.value).toBe(want.count);
    });

    it('rows: true backfills twelve Paris months with one query', async () => {
      const { ctx, result } = fetch(reader(), getSetup().sql.rowsByMonth, YEAR_PARIS, { rows: true }, 'backfill');
      const values = await result;
      const months = ctx.periods();
      expect(values).toEqual(months.map((month) => ({ value: count(month), at: month.start })));
      expect(values.map((v) => v.value)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14]);
      expect(ctx.diagnostics.counters.queries).toBe(1);
    });

    it('a single-number query backfills period by period, one query each', async () => {
      const { ctx, result } = fetch(reader(), getSetup().sql.count, YEAR_PARIS, {}, 'backfill');
      expect((await result).map((v) => v.value)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14]);
      expect(ctx.diagnostics.counters.queries).toBe(12);
    });

    it('whenNull: a sum over no rows is 0, or no value with skip', async () => {
      const empty = { start: '2030-01-01T00:00:00.000Z', end: '2030-02-01T00:00:00.000Z', timeZone: 'UTC', interval: 'month' } as const;
      expect(await fetch(reader(), getSetup().sql.sum, empty).result).toEqual([{ value: 0, at: empty.start }]);
      expect(await fetch(reader(), getSetup().sql.sum, empty, { whenNull: 'skip' }).result).toEqual([]);
    });

    it('runs read-only: a user who may INSERT gets a clear error, and nothing is written', async () => {
      const setup = getSetup();
      const writer = setup.connection(WRITER);
      const before = await setup.countOrders();
      expect(before).toBe(ORDERS.length);
      const error = await fetch(writer, setup.sql.insert, NOVEMBER_UTC).result.catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'KS_ERR_QUERY' });
      expect((error as Error).message).toMatch(/read-only transaction and cannot write/);
      const second = await fetch(writer, setup.sql.twoStatements, NOVEMBER_UTC).result.catch((e: unknown) => e);
      expect(second).toMatchObject({ code: 'KS_ERR_QUERY' });
      expect(await setup.countOrders()).toBe(before);
    });

    it("the statement timeout stops a long query on the server: retryable, in the server's words", async () => {
      const started = Date.now();
      const error = await fetch(getSetup().connection(READER, { statementTimeoutMs: 300 }), getSetup().sql.sleep(30, 'timeout'), NOVEMBER_UTC).result.catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'KS_ERR_TRANSIENT', retryable: true });
      expect((error as Error).message).toMatch(/statement timeout|max_statement_time|max_execution_time/);
      expect((error as Error).message).toContain('statementTimeoutMs (300 ms)');
      // Well before the client's own backstop (300 ms + 5 s): it was the server's limit.
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('an abort ends the fetch at once and the query is gone from the server', async () => {
      const setup = getSetup();
      const marker = `abort_${randomUUID().slice(0, 8)}`;
      const { ctx, result } = fetch(reader(), setup.sql.longRunning(marker), NOVEMBER_UTC);
      const outcome = result.catch((e: unknown) => e);
      await eventually(() => setup.running(marker), 1);
      const aborted = Date.now();
      ctx.controller.abort(new Error('shutdown deadline'));
      const error = await outcome;
      expect(error).toMatchObject({ code: 'KS_ERR_ABORTED', retryable: true });
      // The cancel is given at most 3 s; the conformance suite allows 5 s.
      expect(Date.now() - aborted).toBeLessThan(5_000);
      await eventually(() => setup.running(marker), 0);
    });

    it('a wrong password is an AuthError, for fetch and check', async () => {
      const bad = getSetup().connection({ ...READER, password: WRONG_PASSWORD });
      const fetched = await fetch(bad, getSetup().sql.count, NOVEMBER_UTC).result.catch((e: unknown) => e);
      expect(fetched).toMatchObject({ code: 'KS_ERR_AUTH', retryable: false });
      const checked = await sql.check(parse(bad), createCheckContext()).catch((e: unknown) => e);
      expect(checked).toMatchObject({ code: 'KS_ERR_AUTH' });
      expect((checked as Error).message).toContain(READER.user);
    });

    it('check reports the server version and passes quietly for a read-only user', async () => {
      const log = capturedLogger();
      const result = await sql.check(parse(reader()), createCheckContext({ logger: log.logger }));
      expect(result.detail).toMatch(/(PostgreSQL|MariaDB|MySQL) \d+\.\d+/);
      expect(result.detail).toContain('read-only: no write privileges found');
      expect(log.lines.filter((line) => JSON.parse(line).level >= 40)).toEqual([]);
    });

    it('check warns, in the log and in its detail, when the user can write', async () => {
      const setup = getSetup();
      const log = capturedLogger();
      const result = await sql.check(parse(setup.connection(setup.writable.user)), createCheckContext({ logger: log.logger }));
      expect(result.detail).toMatch(/WARNING: this user can write/);
      expect(result.detail).toMatch(setup.writable.says);
      const warnings = log.lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.level === 40);
      expect(warnings.map((w) => w.msg)).toEqual(['this sql connection can write; use a read-only role (see the sql connector README)']);
      expect(log.lines.join('\n')).not.toContain(setup.writable.user.password);
    });

    it("a bad column is a QueryError in the server's words; a result that is not one number says what came back", async () => {
      const bad = await fetch(reader(), 'SELECT nosuch FROM orders', NOVEMBER_UTC).result.catch((e: unknown) => e);
      expect(bad).toMatchObject({ code: 'KS_ERR_QUERY' });
      expect((bad as Error).message).toMatch(/nosuch/);
      const many = await fetch(reader(), 'SELECT id, amount FROM orders', NOVEMBER_UTC).result.catch((e: unknown) => e);
      expect((many as Error).message).toContain(`it returned ${ORDERS.length} rows × 2 columns (id `);
    });

    it('an unknown :name is refused before anything runs', async () => {
      const { ctx, result } = fetch(reader(), 'SELECT count(*) FROM orders WHERE created_at >= :window_begin', NOVEMBER_UTC);
      await expect(result).rejects.toMatchObject({ code: 'KS_ERR_QUERY', message: expect.stringContaining(':window_begin') });
      expect(ctx.diagnostics.counters.queries).toBeUndefined();
    });

    it('a refused connection is a retryable network error', async () => {
      const port = await freePort();
      const error = await fetch(getSetup().connection(READER, { port }), getSetup().sql.count, NOVEMBER_UTC).result.catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'KS_ERR_NETWORK', retryable: true });
    });

    it('an idle pooled connection does not keep a process alive', () => {
      // A one-shot process (kpi-sync run, backfill) must end when its work is done; the connector has no close hook.
      const child = `
        const { default: sql } = await import('./connectors/sql/index.ts');
        const { createTestContext } = await import('./src/sdk/testing/index.ts');
        const ctx = createTestContext({ window: ${JSON.stringify(NOVEMBER_UTC)} });
        const settings = sql.connectionSchema.parse(${JSON.stringify(reader())});
        process.stdout.write(JSON.stringify(await sql.fetch(settings, sql.querySchema.parse({ sql: ${JSON.stringify(getSetup().sql.count)} }), ctx)));
      `;
      const root = fileURLToPath(new URL('../../', import.meta.url));
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', child], { cwd: root, encoding: 'utf8', timeout: 15_000 });
      expect(result.signal, 'the process had to be killed').toBeNull();
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual([{ value: count(NOVEMBER_UTC), at: NOVEMBER_UTC.start }]);
    });

    it('values reuse one pooled connection', async () => {
      const setup = getSetup();
      await closeIdleSessions();
      await eventually(() => setup.sessionsOf(READER.user), 0);
      const settings = setup.connection(READER, { poolSize: 2 });
      for (let i = 0; i < 3; i += 1) await fetch(settings, setup.sql.count, NOVEMBER_UTC).result;
      expect(await setup.sessionsOf(READER.user)).toBe(1);
    });
  });
}
