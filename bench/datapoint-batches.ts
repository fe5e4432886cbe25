import { performance } from 'node:perf_hooks';
import type { Datapoint } from '../src/domain/types.ts';
import type { Store } from '../src/store/store.ts';

/** The rows both store benches write: ROWS datapoints over KPIS KPIs, in batches of BATCH. */
export const ROWS = 200_000;
export const BATCH = 1_000;
export const KPIS = 100;

export function makeBatches(): Datapoint[][] {
  const days = ROWS / KPIS;
  const batches: Datapoint[][] = [];
  let batch: Datapoint[] = [];
  for (let k = 0; k < KPIS; k += 1) {
    for (let d = 0; d < days; d += 1) {
      const period = new Date(Date.UTC(2015, 0, 1 + d)).toISOString().replace('.000Z', '+00:00');
      batch.push({ kpi: `kpi-${k}`, period, value: k * 1000 + d, observedAt: '2024-06-01T00:00:00Z', source: 'bench' });
      if (batch.length === BATCH) {
        batches.push(batch);
        batch = [];
      }
    }
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** Upserts every batch, one call a batch, and returns the rate in rows per second. */
export async function upsertRate(store: Pick<Store, 'upsertDatapoints'>, batches: Datapoint[][]): Promise<number> {
  const start = performance.now();
  for (const batch of batches) await store.upsertDatapoints(batch);
  return ROWS / ((performance.now() - start) / 1000);
}
