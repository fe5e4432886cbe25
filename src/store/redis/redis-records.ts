import type { Datapoint, KrProgress } from '../../domain/types.ts';
import type { OutboxEntry } from '../store.ts';
import { checkOutboxEntry } from '../store-input.ts';
import { OUTBOX_CHANNEL, OUTBOX_STATUS, sortableMs } from './redis-keys.ts';

/*
 * How records become Redis values and script arguments. A datapoint or KR record is
 * stored as `<identity>\n<rest>`: the identity is the JSON of the fields that decide
 * "unchanged" (JSON.stringify never emits a raw newline), so Lua compares two
 * strings instead of parsing numbers.
 */

export function datapointIdentity(point: Datapoint): string {
  return JSON.stringify([point.value, point.source, point.approximate ? 1 : 0]);
}

export function datapointRest(point: Datapoint): string {
  return JSON.stringify([point.period, point.observedAt]);
}

export function decodeDatapoint(kpi: string, stored: string): Datapoint {
  const cut = stored.indexOf('\n');
  const [value, source, approximate] = JSON.parse(stored.slice(0, cut)) as [number, string, number];
  const [period, observedAt] = JSON.parse(stored.slice(cut + 1)) as [string, string];
  const point: Datapoint = { kpi, period, value, observedAt, source };
  if (approximate) point.approximate = true;
  return point;
}

/** A later time or expectation is not a change: only value, progress and track are. */
export function progressIdentity(progress: KrProgress): string {
  return JSON.stringify([progress.value, progress.progress, progress.track]);
}

export function decodeProgress(stored: string): KrProgress {
  return JSON.parse(stored.slice(stored.indexOf('\n') + 1)) as KrProgress;
}

/** The seven script arguments of one outbox entry (see OUTBOX_LIB in redis.scripts.ts). */
export function outboxArgs(operation: string, entry: OutboxEntry): (string | number)[] {
  const { createdMs: created, nextMs: next } = checkOutboxEntry(operation, entry);
  const status = OUTBOX_STATUS[entry.status];
  const channel = OUTBOX_CHANNEL[entry.channel];
  return [entry.id, JSON.stringify(entry), status, channel, String(created), sortableMs(created), String(next)];
}

export function parsed<T>(json: string | null): T | undefined {
  return json === null ? undefined : (JSON.parse(json) as T);
}

export function parseRecords<T>(values: (string | null)[]): T[] {
  const records: T[] = [];
  for (const value of values) if (value !== null) records.push(JSON.parse(value) as T);
  return records;
}

