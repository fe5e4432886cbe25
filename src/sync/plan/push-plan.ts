import { createHash } from 'node:crypto';
import type { Catalog, LoadedKpi } from '../../config/catalog.ts';
import { parseDuration } from '../../domain/periods.ts';
import { krProgress } from '../../domain/progress.ts';
import { guardVerdict } from '../../domain/push-guard.ts';
import type { Datapoint, KrProgress, KrSpec } from '../../domain/types.ts';
import type { KrConfig } from '../../config/schema.ts';
import type { PushPayload } from '../../notify/targets/push-payload.ts';
import { lastPushKey, type LastPush, type OutboxEntry, type SyncState } from '../../store/store.ts';

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

export function pushKey(kr: string, target: string, period: string, value: number): string {
  return `push_${createHash('sha256')
    .update([kr, target, String(Date.parse(period)), String(value)].join('\u0000'))
    .digest('hex')
    .slice(0, 32)}`;
}

export interface PlannedProgress {
  /** Every KR's progress now (for reports), changed or not. */
  progress: KrProgress[];
  /** The records to append: those whose value, progress or track moved. */
  changed: KrProgress[];
  /** KR pushes to queue (held ones included). */
  pushes: OutboxEntry[];
  held: { entry: OutboxEntry; reason: string }[];
  lastPushed: { kr: string; target: string; push: LastPush }[];
}

function noteFor(kpi: LoadedKpi, catalog: Catalog, point: Datapoint, runId: string): string {
  const connection = kpi.source ? catalog.connections.get(kpi.source.connection) : undefined;
  const origin = kpi.formula ? `formula ${kpi.formula}` : `${connection?.type ?? 'source'} connection "${kpi.source?.connection}"`;
  const query = kpi.source ? ` query ${JSON.stringify(kpi.source.query).slice(0, 160)}` : '';
  return `kpi-sync: ${kpi.name} = ${point.value}${kpi.unit ? ` ${kpi.unit}` : ''} for the ${kpi.interval} starting ${point.period.slice(0, 10)}, from ${origin}${query}; run ${runId}`;
}

function sameProgress(a: KrProgress | undefined, b: KrProgress): boolean {
  return a !== undefined && a.value === b.value && a.progress === b.progress && a.track === b.track;
}

/**
 * Every KR on this KPI, recomputed from its latest datapoint, and the KR pushes the
 * changes call for: for each KR and each of its targets, a push when the KR's value
 * moved (or its minimum interval has passed). The outbox id is deterministic per (KR,
 * target, period, value), so a retried sync queues nothing twice. A value the KPI's
 * guard finds suspicious is queued as `held`, compared with what the platform last
 * got from us (else the previous period): that is the number a bad reading would replace.
 */
export function planProgress(
  catalog: Catalog,
  kpi: LoadedKpi,
  latest: Datapoint,
  previousValue: number | undefined,
  state: Pick<SyncState, 'progress' | 'lastPushed'>,
  runId: string,
  now: Date,
): PlannedProgress {
  const planned: PlannedProgress = { progress: [], changed: [], pushes: [], held: [], lastPushed: [] };
  const at = now.toISOString();
  for (const { kr, objective } of catalog.krsByKpi.get(kpi.id) ?? []) {
    const record = krProgress(krSpecOf(kr), latest.value, at);
    planned.progress.push(record);
    const changed = !sameProgress(state.progress.get(kr.id), record);
    if (changed) planned.changed.push(record);
    for (const push of kr.push ?? []) {
      const last = state.lastPushed.get(lastPushKey(kr.id, push.target));
      const verdict = guardVerdict(kpi.guard, last?.value ?? previousValue, latest.value);
      const intervalDue = push.minInterval !== undefined && (!last?.at || now.getTime() - Date.parse(last.at) >= parseDuration(push.minInterval));
      if (!changed && !intervalDue) continue;
      const key = pushKey(kr.id, push.target, latest.period, latest.value);
      const payload: PushPayload = {
        key,
        kr: kr.id,
        objective: objective.id,
        platformId: push.id,
        value: latest.value,
        progress: record.progress,
        confidence: kr.confidence ?? record.track,
        note: noteFor(kpi, catalog, latest, runId),
        checkInDate: at.slice(0, 10),
        period: latest.period,
        runId,
      };
      const entry: OutboxEntry = {
        id: key,
        eventId: key,
        channel: 'push',
        destination: push.target,
        payload,
        status: verdict.hold ? 'held' : 'pending',
        attempts: 0,
        createdAt: at,
        nextAttemptAt: at,
        ...(verdict.hold ? { lastError: `held by the guard: ${verdict.reason}` } : {}),
      };
      planned.pushes.push(entry);
      if (verdict.hold) planned.held.push({ entry, reason: verdict.reason });
      // A held value is not what the platform has; keep comparing with the last one sent.
      const value = verdict.hold ? (last?.value ?? previousValue) : latest.value;
      planned.lastPushed.push({ kr: kr.id, target: push.target, push: value === undefined ? { at } : { at, value } });
    }
  }
  return planned;
}
