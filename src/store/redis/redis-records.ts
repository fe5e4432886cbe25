import type { Datapoint, KrProgress } from '../../domain/types.ts';
import type { OutboxEntry } from '../store.ts';
import { checkOutboxEntry, invalidInput } from '../store-input.ts';
import { OUTBOX_CHANNEL, OUTBOX_STATUS, sortableMs, type RedisKeys } from './redis-keys.ts';

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

/**
 * The keys and arguments of ksUpsertDatapoints: an (index zset, hash) pair per KPI;
 * `closed`, then per point its KPI's pair number, period ms, identity and rest.
 * Everything is validated before the script runs: a Lua error midway would not
 * roll back what the script had already written.
 */
export function upsertArgs(redisKeys: RedisKeys, points: Datapoint[], closed: string): { keys: string[]; args: (string | number)[] } {
  const pairs = new Map<string, number>();
  const keys: string[] = [];
  const args: (string | number)[] = [closed];
  for (const point of points) {
    const { kpi, period, value } = point;
    const ms = Date.parse(period);
    if (Number.isNaN(ms)) throw invalidInput('upsertDatapoints', `KPI "${kpi}": period "${period}" is not an ISO instant`);
    if (!Number.isFinite(value)) throw invalidInput('upsertDatapoints', `KPI "${kpi}" at ${period}: value ${value} is not finite`);
    let pair = pairs.get(kpi);
    if (pair === undefined) {
      pair = pairs.size + 1;
      pairs.set(kpi, pair);
      keys.push(redisKeys.datapointIndex(kpi), redisKeys.datapoints(kpi));
    }
    args.push(pair, String(ms), datapointIdentity(point), datapointRest(point));
  }
  return { keys, args };
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

