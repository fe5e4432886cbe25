import { KeyedQueue } from '../schedule/keyed-queue.ts';
import { sharedReadsOf } from '../schedule/shared-reads.ts';
import { runSync, type SyncResult } from '../sync/run-sync.ts';
import type { App } from './app.ts';
import { runOrder } from './run-order.ts';

/**
 * `run --once`: every KPI (or the ones asked for) synced now, the way the scheduler
 * runs a tick: source KPIs `settings.concurrency` at a time, with those that share a
 * read (KPIs on one CSV file) started together so it is read once; then formula KPIs
 * after their inputs, in order. Results come back in run order.
 */
export async function runOnce(app: Pick<App, 'catalog' | 'env' | 'logger'>, only?: string[]): Promise<SyncResult[]> {
  const { catalog, env } = app;
  const order = runOrder(catalog, only);
  const results = new Map<string, SyncResult>();
  const shared = sharedReadsOf(catalog);
  let crash: unknown;
  const queue = new KeyedQueue({
    limit: catalog.settings.concurrency,
    work: async (kpi) => void results.set(kpi, await runSync({ kpi }, env)),
    // runSync records its failures as failed runs; what escapes it is a bug, reported as one.
    onError: (_kpi, error) => (crash ??= error),
    groupOf: (kpi) => shared.get(kpi) ?? kpi,
  });
  queue.request(...order.filter((id) => !catalog.kpis.get(id)!.formula));
  await queue.idle();
  if (crash !== undefined) throw crash;
  for (const id of order) if (catalog.kpis.get(id)!.formula) results.set(id, await runSync({ kpi: id }, env));
  return order.map((id) => results.get(id)!);
}
