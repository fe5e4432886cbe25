import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import csv from '../../../connectors/csv/index.ts';
import { scanCsv } from '../../../connectors/csv/read.ts';
import { makeTestContext } from '../../helpers/connector-context.ts';
import { scenario, type Scenario } from './equivalence-gen.ts';

/**
 * A shared scan evaluates its queries column by column over batches (batch-scan.ts);
 * a query read alone goes through CsvEvaluator record by record. For random files and
 * queries (equivalence-gen.ts) both must tell each query the same: values, rejects
 * with their lines and reasons in order, counters and hints, or the same error.
 */

const dir = mkdtempSync(path.join(os.tmpdir(), 'kpi-sync-csv-equivalence-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Everything a sync learns from one query's read. */
interface Seen {
  outcome: { value: unknown } | { error: string };
  rejects: Array<{ where: number | string; reason: string }>;
  counts: Record<string, number>;
  hints: string[];
}

async function run(s: Scenario, seed: number, together: boolean): Promise<Seen[]> {
  const file = path.join(dir, `${seed}.csv`);
  writeFileSync(file, s.csv);
  const connection = csv.connectionSchema.parse({ ...s.connection, path: file });
  const requests = s.queries.map(({ query, context }) => ({ query: csv.querySchema.parse(query), ctx: makeTestContext({ baseDir: dir, ...context }) }));
  const options = { chunkBytes: s.chunkBytes, batchRows: s.batchRows };
  const outcomes = together
    ? await scanCsv(connection, undefined, requests, options)
    : await Promise.all(requests.map(async (r) => (await scanCsv(connection, undefined, [r], options))[0]!));
  return outcomes.map((outcome, k) => {
    const { rejects, counts, hints } = requests[k]!.ctx.diagnostics;
    const { kpisInScan, ...rest } = counts;
    if (together && outcome.status === 'fulfilled') expect(kpisInScan).toBe(requests.length);
    return {
      outcome: outcome.status === 'fulfilled' ? { value: outcome.value } : { error: String((outcome.reason as Error).message) },
      rejects,
      counts: rest,
      hints,
    };
  });
}

/** `SEEDS=2000 npx vitest run tests/unit/csv/shared-equivalence.test.ts` looks further. */
const SEEDS = Array.from({ length: Number(process.env.SEEDS ?? 150) }, (_, k) => 20_260_000 + k);

describe('csv: a shared scan tells every query what it would learn alone', () => {
  it.each(SEEDS)('seed %i', async (seed) => {
    const s = scenario(seed);
    const alone = await run(s, seed, false);
    const together = await run(s, seed, true);
    for (let k = 0; k < alone.length; k++) {
      expect(together[k], `query ${k}: ${JSON.stringify(s.queries[k])}`).toEqual(alone[k]);
    }
  });

  it('the generated cases reach what they are meant to test', async () => {
    // Guards the generator: an equivalence over files without rejects or matches proves little.
    let values = 0;
    let rejects = 0;
    let hints = 0;
    let errors = 0;
    let blanks = 0;
    for (const seed of SEEDS.slice(0, 40)) {
      for (const seen of await run(scenario(seed), seed, false)) {
        if ('error' in seen.outcome) errors++;
        else values += (seen.outcome.value as unknown[]).length;
        rejects += seen.rejects.length;
        hints += seen.hints.length;
        blanks += seen.counts.blankValues ?? 0;
      }
    }
    expect({ values: values > 100, rejects: rejects > 100, hints: hints > 5, errors: errors > 0, blanks: blanks > 10 }).toEqual({
      values: true,
      rejects: true,
      hints: true,
      errors: true,
      blanks: true,
    });
  });
});
