import type { Logger } from 'pino';
import type { Catalog } from '../config/catalog.ts';
import { saveHealthWithAlerts } from './health-step.ts';
import { evaluateStaleness } from '../domain/health.ts';
import { defaultStaleAfterMs, parseDuration } from '../domain/periods.ts';
import type { HealthTransition } from '../domain/types.ts';
import type { Store } from '../store/store.ts';

/**
 * Turns KPIs with no successful sync for their staleness window into `no_data`
 * (and back is handled by the next successful sync's health evaluation), with a
 * warning per KPI.
 */
export async function checkStaleness(catalog: Catalog, store: Store, logger: Logger, now: Date): Promise<HealthTransition[]> {
  const transitions: HealthTransition[] = [];
  const at = now.toISOString();
  for (const kpi of catalog.kpis.values()) {
    if (!kpi.health) continue;
    const staleAfterMs = kpi.health.staleAfter ? parseDuration(kpi.health.staleAfter) : defaultStaleAfterMs(kpi.interval);
    const previous = await store.getHealth(kpi.id);
    // The health record alone settles most KPIs (fresh by its checkedAt, never
    // evaluated, or already no_data), so the run history is read only for the rest.
    if (!evaluateStaleness(previous, undefined, at, staleAfterMs)) continue;
    // An ok run that evaluated nothing (no datapoint for the current period yet) is a success too.
    const runs = await store.listRuns({ kpi: kpi.id, limit: 100 });
    // A KPI that has never run is not stale yet: it has not had its first chance.
    if (runs.length === 0) continue;
    const lastSuccess = runs.find((run) => run.status === 'ok')?.finishedAt;
    const evaluated = evaluateStaleness(previous, lastSuccess, at, staleAfterMs);
    if (!evaluated?.transition) continue;
    const outcome = await saveHealthWithAlerts({ catalog, store, logger }, kpi, previous, evaluated, undefined, now);
    if (!outcome.transition) continue;
    transitions.push(outcome.transition);
    logger.warn({ kpi: kpi.id }, `health ${outcome.transition.from} → ${outcome.transition.to}: no successful sync within the staleness window`);
  }
  return transitions;
}
