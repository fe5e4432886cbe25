import path from 'node:path';
import { describe, expect, it } from 'vitest';
import csv, { createCsvConnector } from '../../../connectors/csv/index.ts';
import { makeTestContext, type TestContext, type TestContextOptions } from '../../helpers/connector-context.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/csv');
const OSLO_Q1 = { timeZone: 'Europe/Oslo', interval: 'month', span: { start: '2026-01-01', end: '2026-04-01' } } satisfies TestContextOptions;
const sales = csv.connectionSchema.parse({ path: 'sales.csv' });

function query(value: Record<string, unknown>, filter: Record<string, unknown>[] = []) {
  return csv.querySchema.parse({ date: { column: 'date' }, value, filter });
}

function context(): TestContext {
  return makeTestContext({ baseDir: FIXTURES, ...OSLO_Q1 });
}

const emeaSum = query({ column: 'amount', aggregate: 'sum' }, [{ column: 'region', equals: 'EMEA' }]);
const allCount = query({ aggregate: 'count_rows' });
const maxAmount = query({ column: 'amount', aggregate: 'max' });

describe('csv: one scan for the KPIs that read one file in one tick', () => {
  it('serves every query from one read, with the values each would get alone', async () => {
    const alone = [];
    for (const q of [emeaSum, allCount, maxAmount]) alone.push(await csv.fetch(sales, q, context()));
    const contexts = [context(), context(), context()];
    const together = await Promise.all([emeaSum, allCount, maxAmount].map((q, k) => csv.fetch(sales, q, contexts[k]!)));
    expect(together).toEqual(alone);
    for (const ctx of contexts) {
      expect(ctx.diagnostics.counts.kpisInScan).toBe(3);
      expect(ctx.diagnostics.counts.rowsRead).toBe(9);
    }
    // Alone, nobody shares.
    const single = context();
    await csv.fetch(sales, emeaSum, single);
    expect(single.diagnostics.counts.kpisInScan).toBeUndefined();
  });

  it('a query naming a missing column fails alone; the others read on', async () => {
    const broken = query({ column: 'amount', aggregate: 'sum' }, [{ column: 'regoin', equals: 'EMEA' }]);
    const [good, bad, other] = await Promise.allSettled([
      csv.fetch(sales, emeaSum, context()),
      csv.fetch(sales, broken, context()),
      csv.fetch(sales, maxAmount, context()),
    ]);
    expect(good).toMatchObject({ status: 'fulfilled', value: expect.arrayContaining([expect.objectContaining({ value: 150.5 })]) });
    expect(bad).toMatchObject({ status: 'rejected', reason: { message: expect.stringContaining('regoin') } });
    expect(other.status).toBe('fulfilled');
  });

  it('a sync aborted mid-read leaves with its own reason; the others finish', async () => {
    // Tiny chunks, so the read is many turns long and the abort lands inside it.
    const connector = createCsvConnector({ chunkBytes: 16 });
    const leaving = context();
    const staying = context();
    const reason = new Error('shutdown deadline');
    const periodOf = leaving.periodOf;
    leaving.periodOf = (instant) => {
      leaving.controller.abort(reason);
      return periodOf(instant);
    };
    const [left, stayed] = await Promise.allSettled([connector.fetch(sales, emeaSum, leaving), connector.fetch(sales, emeaSum, staying)]);
    expect(left).toEqual({ status: 'rejected', reason });
    expect(stayed).toMatchObject({ status: 'fulfilled', value: await csv.fetch(sales, emeaSum, context()) });
  });

  it('a fetch that comes once the scan is under way gets a scan of its own, from the first line', async () => {
    const connector = createCsvConnector({ chunkBytes: 16 });
    const first = context();
    const late = context();
    let lateFetch: Promise<unknown> | undefined;
    const periodOf = first.periodOf;
    first.periodOf = (instant) => {
      lateFetch ??= connector.fetch(sales, allCount, late);
      return periodOf(instant);
    };
    await connector.fetch(sales, allCount, first);
    expect(await lateFetch).toEqual(await csv.fetch(sales, allCount, context()));
    expect(late.diagnostics.counts.rowsRead).toBe(9);
    expect(late.diagnostics.counts.kpisInScan).toBeUndefined();
  });

  it('different files, or the same file with other settings, are separate reads', async () => {
    const semicolons = csv.connectionSchema.parse({ path: 'sales.csv', delimiter: ';' });
    const a = context();
    const b = context();
    await Promise.allSettled([csv.fetch(sales, allCount, a), csv.fetch(semicolons, allCount, b)]);
    expect(a.diagnostics.counts.kpisInScan).toBeUndefined();
    expect(b.diagnostics.counts.kpisInScan).toBeUndefined();
  });

  it('a file that cannot be read fails every KPI of the scan', async () => {
    const missing = csv.connectionSchema.parse({ path: 'no-such.csv' });
    const outcomes = await Promise.allSettled([csv.fetch(missing, allCount, context()), csv.fetch(missing, emeaSum, context())]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    for (const o of outcomes) expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 'KS_ERR_SOURCE_READ' });
  });
});
