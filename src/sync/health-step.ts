import type { Logger } from 'pino';
import type { Catalog, LoadedKpi } from '../config/catalog.ts';
import { evaluateHealth } from '../domain/health.ts';
import type { Datapoint, HealthRecord, HealthTransition } from '../domain/types.ts';
import type { OutboxEntry, Store } from '../store/store.ts';
import { planRepeatAlerts, planTransitionAlerts } from './alert-planner.ts';

export interface HealthOutcome {
  record: HealthRecord;
  transition?: HealthTransition;
  alerts: OutboxEntry[];
}

/**
 * Saves a new health record and, in the same store transaction, the transition and
 * the alerts it sends, so a crash can neither lose an alert nor send one for a
 * transition that was not recorded. Reminders for a KPI that stays bad are queued
 * afterwards (they are recomputed on the next run if a crash drops them).
 */
export async function saveHealthWithAlerts(
  deps: { catalog: Catalog; store: Store; logger: Logger },
  kpi: LoadedKpi,
  previous: HealthRecord | undefined,
  evaluated: { record: HealthRecord; transition?: { from: HealthRecord['state']; to: HealthRecord['state'] } },
  point: Pick<Datapoint, 'value' | 'period'> | undefined,
  now: Date,
): Promise<HealthOutcome> {
  const { catalog, store } = deps;
  const transition: HealthTransition | undefined = evaluated.transition
    ? { kpi: kpi.id, ...evaluated.transition, ...(point ? { value: point.value, period: point.period } : {}), at: now.toISOString() }
    : undefined;
  // The very first evaluation of a KPI that is fine is not a recovery: nobody was told it was bad.
  const firstAndFine = previous === undefined && transition?.to === 'ok';
  const alerts = transition && !firstAndFine ? await planTransitionAlerts(catalog, store, kpi, transition, now) : [];
  await store.saveHealth(kpi.id, evaluated.record, transition, alerts);
  if (!transition) {
    const repeats = await planRepeatAlerts(catalog, store, kpi, evaluated.record.state, now);
    if (repeats.length > 0) await store.enqueueOutbox(repeats);
    alerts.push(...repeats);
  }
  if (alerts.length > 0) deps.logger.info({ kpi: kpi.id, alerts: alerts.map((a) => a.destination) }, `queued ${alerts.length} alert(s)`);
  return { record: evaluated.record, ...(transition ? { transition } : {}), alerts };
}

/** Evaluates the current datapoint against the KPI's band and saves the outcome with its alerts. */
export async function applyHealth(deps: { catalog: Catalog; store: Store; logger: Logger }, kpi: LoadedKpi, point: Datapoint, now: Date): Promise<HealthOutcome | undefined> {
  if (!kpi.health) return undefined;
  const previous = await deps.store.getHealth(kpi.id);
  const evaluated = evaluateHealth(kpi.health, previous, point, now.toISOString());
  return saveHealthWithAlerts(deps, kpi, previous, evaluated, point, now);
}
