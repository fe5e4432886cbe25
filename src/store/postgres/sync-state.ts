import type { HealthRecord, HealthTransition, KrProgress } from '../../domain/types.ts';
import { lastPushKey, type LastPush, type SyncState, type SyncStateQuery } from '../store.ts';
import { fromTuple, type RecentTuple } from './datapoints.ts';
import type { Db } from './postgres-pool.ts';

/**
 * Everything a sync's planning reads, as one statement: one round trip, and one
 * snapshot (every subquery of a statement sees the same committed data, even at
 * READ COMMITTED). Lists come back as json arrays; Maps are built in the query's
 * own order, as SQLite's loop builds them.
 */
const READ_SYNC_STATE = `
  SELECT
    (SELECT record FROM health WHERE kpi = $1) AS health,
    (SELECT record FROM health_transitions WHERE kpi = $1 ORDER BY id DESC LIMIT 1) AS last_transition,
    coalesce(
      (SELECT record FROM health_transitions WHERE kpi = $1 AND from_state = 'ok' ORDER BY id DESC LIMIT 1),
      (SELECT record FROM health_transitions WHERE kpi = $1 ORDER BY id LIMIT 1)) AS episode_start,
    (SELECT json_agg(json_build_array(period_iso, value, observed_at_iso, source, approximate) ORDER BY period)
       FROM (SELECT period, period_iso, value, observed_at_iso, source, approximate
             FROM datapoints WHERE kpi = $1 ORDER BY period DESC LIMIT $2) recent) AS recent,
    (SELECT json_agg(json_build_array(q.kr, p.record))
       FROM unnest($3::text[]) AS q(kr)
       CROSS JOIN LATERAL (SELECT record FROM kr_progress WHERE kr = q.kr ORDER BY id DESC LIMIT 1) p) AS progress,
    (SELECT json_agg(json_build_array(route, at_iso)) FROM alert_notified WHERE kpi = $1 AND route = ANY($4::text[])) AS notified,
    (SELECT json_agg(json_build_array(l.kr, l.target, l.record))
       FROM kr_push_last l JOIN unnest($5::text[], $6::text[]) AS q(kr, target) ON l.kr = q.kr AND l.target = q.target) AS pushes`;

interface StateRow {
  health: HealthRecord | null;
  last_transition: HealthTransition | null;
  episode_start: HealthTransition | null;
  recent: RecentTuple[] | null;
  progress: [string, KrProgress][] | null;
  notified: [string, string][] | null;
  pushes: [string, string, LastPush][] | null;
}

export async function readSyncState(db: Db, query: SyncStateQuery): Promise<SyncState> {
  const result = await db.query<StateRow>({
    name: 'kpi-sync-read-sync-state',
    text: READ_SYNC_STATE,
    values: [query.kpi, query.recent, query.krs, query.routes, query.pushes.map((p) => p.kr), query.pushes.map((p) => p.target)],
  });
  const row = result.rows[0]!;
  const progressOf = new Map(row.progress ?? []);
  const notifiedOf = new Map(row.notified ?? []);
  const pushOf = new Map((row.pushes ?? []).map(([kr, target, push]) => [lastPushKey(kr, target), push]));

  const progress = new Map<string, KrProgress>();
  for (const kr of query.krs) {
    const latest = progressOf.get(kr);
    if (latest) progress.set(kr, latest);
  }
  const notified = new Map<string, string>();
  for (const route of query.routes) {
    const at = notifiedOf.get(route);
    if (at !== undefined) notified.set(route, at);
  }
  const lastPushed = new Map<string, LastPush>();
  for (const { kr, target } of query.pushes) {
    const push = pushOf.get(lastPushKey(kr, target));
    if (push) lastPushed.set(lastPushKey(kr, target), push);
  }

  const state: SyncState = {
    recent: (row.recent ?? []).map((tuple) => fromTuple(query.kpi, tuple)),
    progress,
    notified,
    lastPushed,
  };
  if (row.health) state.health = row.health;
  if (row.last_transition) {
    state.lastTransition = row.last_transition;
    if (row.episode_start) state.episodeStart = row.episode_start;
  }
  return state;
}
