import { createHash } from 'node:crypto';
import type { Catalog, LoadedKpi } from '../config/catalog.ts';
import { guardVerdict } from '../domain/push-guard.ts';
import { parseDuration } from '../domain/periods.ts';
import type { Datapoint, KrProgress } from '../domain/types.ts';
import type { PushPayload } from '../notify/targets/push-payload.ts';
import type { OutboxEntry, Store } from '../store/store.ts';

export interface PlannedPushes {
  entries: OutboxEntry[];
  /** Pushes the guard held, with why. */
  held: { entry: OutboxEntry; reason: string }[];
}

/** Where the last push of a (KR, target) pair is remembered, for `minInterval`. */
export function lastPushScope(kr: string, target: string): string {
  return `push-last:${kr}:${target}`;
}

export function pushKey(kr: string, target: string, period: string, value: number): string {
  return `push_${createHash('sha256').update([kr, target, String(Date.parse(period)), String(value)].join('\u0000')).digest('hex').slice(0, 32)}`;
}

function noteFor(kpi: LoadedKpi, catalog: Catalog, point: Datapoint, runId: string): string {
  const connection = kpi.source ? catalog.connections.get(kpi.source.connection) : undefined;
  const origin = kpi.formula ? `formula ${kpi.formula}` : `${connection?.type ?? 'source'} connection "${kpi.source?.connection}"`;
  const query = kpi.source ? ` query ${JSON.stringify(kpi.source.query).slice(0, 160)}` : '';
  return `kpi-sync: ${kpi.name} = ${point.value}${kpi.unit ? ` ${kpi.unit}` : ''} for the ${kpi.interval} starting ${point.period.slice(0, 10)}, from ${origin}${query}; run ${runId}`;
}

/**
 * The KR pushes one sync causes: for each KR on this KPI and each of its targets,
 * a push when the KR's value for the period changed (or its minimum interval has
 * passed). The outbox id is deterministic per (KR, target, period, value), so a
 * retried or double-scheduled sync queues nothing twice. A value the KPI's guard
 * finds suspicious is queued as `held`.
 */
export async function planPushes(
  catalog: Catalog,
  store: Store,
  kpi: LoadedKpi,
  point: Datapoint,
  progress: { record: KrProgress; changed: boolean }[],
  runId: string,
  now: Date,
): Promise<PlannedPushes> {
  const planned: PlannedPushes = { entries: [], held: [] };
  let previousValue: number | undefined | null = null;
  for (const { record, changed } of progress) {
    const entry = catalog.krs.get(record.kr);
    if (!entry?.kr.push?.length) continue;
    if (previousValue === null) {
      const history = await store.listDatapoints(kpi.id, { to: point.period, limit: 1 });
      previousValue = history[0]?.value;
    }
    for (const push of entry.kr.push) {
      const last = (await store.getCursor(lastPushScope(record.kr, push.target))) as { at?: string; value?: number } | undefined;
      // Compared with what the platform last got from us (else the previous period): that is the number a bad reading would replace.
      const verdict = guardVerdict(kpi.guard, last?.value ?? previousValue, point.value);
      const intervalDue = push.minInterval !== undefined && (!last?.at || now.getTime() - Date.parse(last.at) >= parseDuration(push.minInterval));
      if (!changed && !intervalDue) continue;
      const key = pushKey(record.kr, push.target, point.period, point.value);
      const payload: PushPayload = {
        key,
        kr: record.kr,
        objective: entry.objective.id,
        platformId: push.id,
        value: point.value,
        progress: record.progress,
        confidence: entry.kr.confidence ?? record.track,
        note: noteFor(kpi, catalog, point, runId),
        checkInDate: now.toISOString().slice(0, 10),
        period: point.period,
        runId,
      };
      const outbox: OutboxEntry = {
        id: key,
        eventId: key,
        channel: 'push',
        destination: push.target,
        payload,
        status: verdict.hold ? 'held' : 'pending',
        attempts: 0,
        createdAt: now.toISOString(),
        nextAttemptAt: now.toISOString(),
        ...(verdict.hold ? { lastError: `held by the guard: ${verdict.reason}` } : {}),
      };
      planned.entries.push(outbox);
      if (verdict.hold) planned.held.push({ entry: outbox, reason: verdict.reason });
      // A held value is not what the platform has; keep comparing with the last one sent.
      await store.setCursor(lastPushScope(record.kr, push.target), { at: now.toISOString(), value: verdict.hold ? (last?.value ?? previousValue) : point.value });
    }
  }
  return planned;
}
