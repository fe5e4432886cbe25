import type { Logger } from 'pino';
import type { Catalog, LoadedKpi } from '../config/catalog.ts';
import { krProgress } from '../domain/progress.ts';
import type { KrProgress, KrSpec } from '../domain/types.ts';
import type { KrConfig } from '../config/schema.ts';
import type { Store } from '../store/store.ts';
import { planHeldPushAlert } from './alert-planner.ts';
import { planPushes } from './push-planner.ts';

export function krSpecOf(kr: KrConfig): KrSpec {
  return {
    id: kr.id,
    direction: kr.direction,
    start: kr.start ?? 0,
    target: kr.target ?? 0,
    ...(kr.band ? { band: kr.band } : {}),
    startDate: kr.startDate,
    dueDate: kr.dueDate,
    kind: kr.kind,
  };
}

export interface ProgressOutcome {
  progress: KrProgress[];
  /** KR pushes queued (held ones included). */
  pushes: number;
  held: number;
}

/**
 * Recomputes every KR on this KPI from its latest datapoint (the store keeps only
 * changes) and queues the KR pushes those changes call for, in the outbox where
 * alerts wait too. A push the guard holds raises an alert instead of going out.
 */
export async function applyProgress(deps: { catalog: Catalog; store: Store; logger: Logger }, kpi: LoadedKpi, runId: string, now: Date): Promise<ProgressOutcome> {
  const { catalog, store, logger } = deps;
  const outcome: ProgressOutcome = { progress: [], pushes: 0, held: 0 };
  const krs = catalog.krsByKpi.get(kpi.id) ?? [];
  if (krs.length === 0) return outcome;
  const latest = await store.latestDatapoint(kpi.id);
  if (!latest) return outcome;
  const records: { record: KrProgress; changed: boolean }[] = [];
  for (const { kr } of krs) {
    const record = krProgress(krSpecOf(kr), latest.value, now.toISOString());
    records.push({ record, changed: await store.recordProgress(record) });
    outcome.progress.push(record);
  }
  const planned = await planPushes(catalog, store, kpi, latest, records, runId, now);
  if (planned.entries.length === 0) return outcome;
  outcome.pushes = await store.enqueueOutbox(planned.entries);
  for (const { entry, reason } of planned.held) {
    logger.warn({ kpi: kpi.id, push: entry.id, target: entry.destination }, `KR push held: ${reason}`);
    const alerts = await planHeldPushAlert(catalog, store, kpi, entry.id, reason, latest, now);
    if (alerts.length > 0) await store.enqueueOutbox(alerts);
  }
  outcome.held = planned.held.length;
  return outcome;
}
