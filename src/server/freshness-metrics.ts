import { Gauge, type Registry } from 'prom-client';
import type { Catalog } from '../config/catalog.ts';
import type { RunStatus, Store } from '../store/store.ts';
import { staleAfterOf } from '../sync/staleness.ts';

/**
 * The gauges that say whether the numbers are fresh: when each KPI last synced, how
 * long it may go without, and whether each connection's latest runs succeed. Read from
 * the store on every scrape, like the business gauges, so every process of a queue
 * deployment reports the same values.
 */
export interface FreshnessGauges {
  /** Reads the store; the returned function swaps the new values in, synchronously. */
  read(catalog: Catalog, store: Store): Promise<() => void>;
}

/** How a KPI's latest run votes on its connection; a run stopped by a shutdown says nothing about it. */
const UP: Partial<Record<RunStatus, number>> = { ok: 1, deferred: 1, failed: 0 };

export function freshnessGauges(registers: Registry[]): FreshnessGauges {
  const lastSuccess = new Gauge({
    name: 'kpi_last_success_timestamp_seconds',
    help: 'When each KPI last synced successfully: the finishedAt of its latest ok run, in Unix seconds (kept when old runs are pruned).',
    labelNames: ['kpi'] as const,
    registers,
  });
  const staleAfter = new Gauge({
    name: 'kpi_stale_after_seconds',
    help: "Each KPI's staleness window (health.staleAfter, else two of its intervals): with no successful sync for this long its health turns no_data.",
    labelNames: ['kpi'] as const,
    registers,
  });
  const connectionUp = new Gauge({
    name: 'kpi_sync_connection_up',
    help:
      'Per connection: 1 when the latest finished sync run of every KPI that last ran on it succeeded (ok, or deferred by its API budget), ' +
      '0 when the latest run of any of them failed. Runs stopped by a shutdown do not count; absent until one of its KPIs has finished a run.',
    labelNames: ['connection'] as const,
    registers,
  });

  return {
    async read(catalog, store) {
      const successes = await store.lastSuccessfulSyncs();
      const last: [string, number][] = [];
      const windows: [string, number][] = [];
      const up = new Map<string, number>();
      for (const kpi of catalog.kpis.values()) {
        const at = Date.parse(successes.get(kpi.id) ?? '');
        if (!Number.isNaN(at)) last.push([kpi.id, at / 1000]);
        windows.push([kpi.id, staleAfterOf(kpi) / 1000]);
        // The run's own source, not the config's: it says which connection answered (or failed to).
        const [run] = await store.listRuns({ kpi: kpi.id, limit: 1 });
        const vote = run?.finishedAt !== undefined && catalog.connections.has(run.source) ? UP[run.status] : undefined;
        if (vote !== undefined) up.set(run!.source, Math.min(up.get(run!.source) ?? 1, vote));
      }
      return () => {
        lastSuccess.reset();
        staleAfter.reset();
        connectionUp.reset();
        for (const [kpi, seconds] of last) lastSuccess.set({ kpi }, seconds);
        for (const [kpi, seconds] of windows) staleAfter.set({ kpi }, seconds);
        for (const [connection, value] of up) connectionUp.set({ connection }, value);
      };
    },
  };
}
