import type { BackfillProgress, ConnectionStateEntry, DestinationDisabled, LastPush } from '../store.ts';
import { instantOrNull, integerOrNull, jsonOf, numberOrNull } from './columns.ts';
import type { Db } from './postgres-pool.ts';
import { execute, type Params } from './statement.ts';

/**
 * The typed bookkeeping tables: connector cursors, alert-notified times, last KR
 * pushes, disabled destinations, backfill progress and shared connection state.
 * Each has its own table and key, so none can collide with another.
 */

export async function getCursor(db: Db, kpi: string): Promise<unknown> {
  const result = await db.query<{ value: unknown }>('SELECT value FROM connector_cursors WHERE kpi = $1', [kpi]);
  // A stored JSON null is a value; no row is "no cursor".
  return result.rows.length === 0 ? undefined : result.rows[0]!.value;
}

/** Sets the KPI's connector cursor; undefined (no JSON form) forgets it. */
export function cursorSql(p: Params, kpi: string, value: unknown): string {
  const json = jsonOf(value);
  if (json === undefined) return `DELETE FROM connector_cursors WHERE kpi = ${p.add(kpi)}`;
  return `INSERT INTO connector_cursors (kpi, value, updated_at) VALUES (${p.add(kpi)}, ${p.add(json)}::jsonb, now())
       ON CONFLICT (kpi) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`;
}

/** When this KPI last notified each route (one row per route; a route given twice keeps its last time). */
export function notifiedSql(p: Params, kpi: string, notified: readonly { route: string; at: string }[]): string {
  const last = new Map(notified.map(({ route, at }) => [route, at]));
  const routes = [...last.keys()];
  const ats = [...last.values()];
  return `INSERT INTO alert_notified (kpi, route, at, at_iso)
     SELECT ${p.add(kpi)}, route, at, at_iso FROM unnest(${p.add(routes)}::text[], ${p.add(ats.map(instantOrNull))}::timestamptz[], ${p.add(ats)}::text[]) AS n(route, at, at_iso)
     ON CONFLICT (kpi, route) DO UPDATE SET at = excluded.at, at_iso = excluded.at_iso`;
}

/** The value last pushed per (KR, target) (a pair given twice keeps its last push). */
export function lastPushSql(p: Params, pushes: readonly { kr: string; target: string; push: LastPush }[]): string {
  const last = new Map(pushes.map((entry) => [JSON.stringify([entry.kr, entry.target]), entry]));
  const rows = [...last.values()];
  return `INSERT INTO kr_push_last (kr, target, at, value, record)
     SELECT * FROM unnest(${p.add(rows.map((r) => r.kr))}::text[], ${p.add(rows.map((r) => r.target))}::text[],
       ${p.add(rows.map((r) => instantOrNull(r.push.at)))}::timestamptz[], ${p.add(rows.map((r) => numberOrNull(r.push.value)))}::float8[],
       ${p.add(rows.map((r) => JSON.stringify(r.push)))}::jsonb[])
     ON CONFLICT (kr, target) DO UPDATE SET at = excluded.at, value = excluded.value, record = excluded.record`;
}

/** By name in byte order (COLLATE "C"), as SQLite sorts, whatever the database's locale. */
export async function disabledDestinations(db: Db): Promise<Map<string, DestinationDisabled>> {
  const result = await db.query<{ destination: string; record: DestinationDisabled }>(
    'SELECT destination, record FROM destinations_disabled ORDER BY destination COLLATE "C"',
  );
  return new Map(result.rows.map((row) => [row.destination, row.record]));
}

export async function putDisabled(db: Db, destination: string, disabled: DestinationDisabled | undefined): Promise<void> {
  if (disabled === undefined) {
    await db.query('DELETE FROM destinations_disabled WHERE destination = $1', [destination]);
    return;
  }
  await db.query(
    `INSERT INTO destinations_disabled (destination, at, status, reason, record) VALUES ($1, $2, $3, $4, $5::jsonb)
     ON CONFLICT (destination) DO UPDATE SET at = excluded.at, status = excluded.status, reason = excluded.reason, record = excluded.record`,
    [destination, instantOrNull(disabled.at), integerOrNull(disabled.status), disabled.reason ?? null, JSON.stringify(disabled)],
  );
}

export async function getBackfill(db: Db, kpi: string): Promise<BackfillProgress | undefined> {
  const result = await db.query<{ record: BackfillProgress }>('SELECT record FROM backfill_progress WHERE kpi = $1', [kpi]);
  return result.rows[0]?.record;
}

export function backfillSql(p: Params, kpi: string, progress: BackfillProgress | undefined): string {
  if (progress === undefined) return `DELETE FROM backfill_progress WHERE kpi = ${p.add(kpi)}`;
  return `INSERT INTO backfill_progress (kpi, done, updated_at, record)
     VALUES (${p.add(kpi)}, ${p.add(instantOrNull(progress.done))}, ${p.add(instantOrNull(progress.updatedAt))}, ${p.add(JSON.stringify(progress))}::jsonb)
     ON CONFLICT (kpi) DO UPDATE SET done = excluded.done, updated_at = excluded.updated_at, record = excluded.record`;
}

export async function putBackfill(db: Db, kpi: string, progress: BackfillProgress | undefined): Promise<void> {
  await execute(db, (p) => backfillSql(p, kpi, progress));
}

/** The value, unless the entry expired at `now` (an ISO instant). */
export async function getConnectionState(db: Db, scope: string, key: string, now: string): Promise<unknown> {
  const result = await db.query<{ value: unknown }>(
    'SELECT value FROM connection_state WHERE scope = $1 AND key = $2 AND (expires_at IS NULL OR expires_at > $3::timestamptz)',
    [scope, key, now],
  );
  return result.rows.length === 0 ? undefined : result.rows[0]!.value;
}

/** `expiresAt` is the entry's expiry as a UTC ISO instant (checked by the caller), or null. */
export async function putConnectionState(db: Db, scope: string, key: string, entry: ConnectionStateEntry | undefined, expiresAt: string | null): Promise<void> {
  const json = entry === undefined ? undefined : jsonOf(entry.value);
  if (json === undefined) {
    await db.query('DELETE FROM connection_state WHERE scope = $1 AND key = $2', [scope, key]);
    return;
  }
  await db.query(
    `INSERT INTO connection_state (scope, key, value, expires_at) VALUES ($1, $2, $3::jsonb, $4)
     ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    [scope, key, json, expiresAt],
  );
}
