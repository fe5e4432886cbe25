import type { Logger } from 'pino';
import type { Catalog, LoadedKpi } from '../config/catalog.ts';
import { evaluateStaleness } from '../domain/health.ts';
import { defaultStaleAfterMs, parseDuration } from '../domain/periods.ts';
import type { HealthTransition } from '../domain/types.ts';
import type { Store, SyncCommit } from '../store/store.ts';
import { planTransitionAlerts } from './plan/alert-plan.ts';
import { mergeRecent, syncStateQuery } from './plan/sync-plan.ts';

/**
 * Turns KPIs with no successful sync for their staleness window into `no_data`
 * (back is the next successful sync's health evaluation), with a warning per KPI.
 * Each verdict is one commit: the health record, its transition and its alerts.
 */
export async function checkStaleness(catalog: Catalog, store: Store, logger: Logger, now: Date): Promise<HealthTransition[]> {
  const transitions: HealthTransition[] = [];
  const at = now.toISOString();
  for (const kpi of catalog.kpis.values()) {
    if (!kpi.health) continue;
    const staleAfterMs = staleAfterOf(kpi);
    const previous = await store.getHealth(kpi.id);
    // The health record alone settles most KPIs (fresh by its checkedAt, never
    // evaluated, or already no_data), so the run history is read only for the rest.
    if (!evaluateStaleness(previous, undefined, at, staleAfterMs)) continue;
    // An ok run that evaluated nothing (no datapoint for the current period yet) is a success too.
    const runs = await store.listRuns({ kpi: kpi.id, limit: 100 });
    // A KPI that has never run is not stale yet: it has not had its first chance.
    if (runs.length === 0) continue;
    const lastSuccess = runs.find((run) => run.status === 'ok')?.finishedAt;
    const state = await store.readSyncState(syncStateQuery(catalog, kpi));
    const evaluated = evaluateStaleness(state.health, lastSuccess, at, staleAfterMs);
    if (!evaluated?.transition) continue;
    const transition: HealthTransition = { kpi: kpi.id, ...evaluated.transition, at };
    const alerts = planTransitionAlerts({ catalog, kpi, state, recent: mergeRecent(state.recent, []), now }, transition, false);
    const commit: SyncCommit = { kpi: kpi.id, health: { record: evaluated.record, transition } };
    if (alerts.entries.length > 0) commit.outbox = alerts.entries;
    if (alerts.notified.length > 0) commit.notified = alerts.notified;
    await store.commitSync(commit);
    transitions.push(transition);
    logger.warn({ kpi: kpi.id, alerts: alerts.entries.length }, `health ${transition.from} → ${transition.to}: no successful sync within the staleness window`);
  }
  return transitions;
}

/** The KPI's staleness window in ms: `health.staleAfter`, else two of its intervals. */
export function staleAfterOf(kpi: LoadedKpi): number {
  return kpi.health?.staleAfter ? parseDuration(kpi.health.staleAfter) : defaultStaleAfterMs(kpi.interval);
}
