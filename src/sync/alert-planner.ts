import { createHash } from 'node:crypto';
import type { Catalog, LoadedKpi } from '../config/catalog.ts';
import { isFiring, quietHoursEnd, repeatDue, routeMatches, routesForTransition, type AlertRoute, type NotifyOn } from '../domain/alert-routing.ts';
import type { HealthState, HealthTransition } from '../domain/types.ts';
import { distanceOutside, isBreach, krSuggestion, type AlertEvent } from '../notify/alert-event.ts';
import type { OutboxEntry, Store } from '../store/store.ts';

const TREND_POINTS = 6;

function hash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** Where the last notification time of a (route, KPI) pair is kept, for repeat intervals. */
export function notifiedScope(route: string, kpi: string): string {
  return `alert-notified:${route}:${kpi}`;
}

/**
 * The breach episode a transition belongs to: it starts when the KPI leaves ok and
 * lasts until it returns, so PagerDuty's resolve closes the incident its trigger
 * opened. Derived from the stored transitions, so it survives restarts unchanged.
 */
async function episodeOf(store: Store, kpi: string, transition: HealthTransition): Promise<string> {
  if (transition.from === 'ok') return `${kpi}-${hash(kpi, transition.at).slice(0, 16)}`;
  const history = await store.listTransitions(kpi, 200);
  const start = history.findLast((t) => t.from === 'ok' && Date.parse(t.at) <= Date.parse(transition.at)) ?? history[0] ?? transition;
  return `${kpi}-${hash(kpi, start.at).slice(0, 16)}`;
}

/** True when a KR on this KPI is running today: then the breach is already somebody's objective. */
function hasActiveKr(catalog: Catalog, kpi: string, now: Date): boolean {
  const today = now.toISOString().slice(0, 10);
  return (catalog.krsByKpi.get(kpi) ?? []).some(({ kr }) => kr.startDate <= today && today <= kr.dueDate);
}

async function buildEvent(catalog: Catalog, store: Store, kpi: LoadedKpi, transition: HealthTransition, type: AlertEvent['type'], now: Date): Promise<AlertEvent> {
  const trend = (await store.listDatapoints(kpi.id, { limit: TREND_POINTS })).map((p) => ({ period: p.period, value: p.value }));
  const band = kpi.health?.band;
  const event: AlertEvent = {
    id: `evt_${hash(kpi.id, type, transition.at, transition.from, transition.to, type === 'health.repeat' ? now.toISOString() : '')}`,
    type,
    createdAt: type === 'health.repeat' ? now.toISOString() : transition.at,
    kpi: { id: kpi.id, name: kpi.name, category: kpi.category, ...(kpi.unit ? { unit: kpi.unit } : {}), ...(kpi.tags ? { tags: kpi.tags } : {}) },
    from: transition.from,
    to: transition.to,
    trend,
    episode: await episodeOf(store, kpi.id, transition),
  };
  if (transition.value !== undefined) event.value = transition.value;
  if (transition.period !== undefined) event.period = transition.period;
  if (band) event.band = band;
  if (band && transition.value !== undefined) event.distance = distanceOutside(band, transition.value);
  if (isBreach(transition.to) && !hasActiveKr(catalog, kpi.id, now)) event.suggestion = krSuggestion(kpi.name, transition.to);
  if (catalog.alerts.dashboardUrl) event.link = `${catalog.alerts.dashboardUrl}/kpis/${encodeURIComponent(kpi.id)}`;
  return event;
}

/** One outbox entry per destination; a destination reached by two routes gets the event once, at the earliest time allowed. */
function entriesFor(event: AlertEvent, routes: AlertRoute[], severity: HealthState, now: Date): OutboxEntry[] {
  const byDestination = new Map<string, OutboxEntry>();
  for (const route of routes) {
    const at = quietHoursEnd(route.quietHours, now.toISOString(), severity) ?? now.toISOString();
    for (const destination of route.destinations) {
      const existing = byDestination.get(destination);
      if (existing && Date.parse(existing.nextAttemptAt) <= Date.parse(at)) continue;
      byDestination.set(destination, {
        id: `${event.id}-${destination}`,
        eventId: event.id,
        channel: 'alert',
        destination,
        payload: event,
        status: 'pending',
        attempts: 0,
        createdAt: now.toISOString(),
        nextAttemptAt: at,
      });
    }
  }
  return [...byDestination.values()];
}

/** The alerts a health transition sends, to be written in the same transaction as the transition. */
export async function planTransitionAlerts(catalog: Catalog, store: Store, kpi: LoadedKpi, transition: HealthTransition, now: Date): Promise<OutboxEntry[]> {
  const routes = routesForTransition(catalog.alerts.routes, kpi, transition.from, transition.to);
  if (routes.length === 0) return [];
  const event = await buildEvent(catalog, store, kpi, transition, 'health.transition', now);
  for (const route of routes) await store.setCursor(notifiedScope(route.name, kpi.id), { at: now.toISOString() });
  return entriesFor(event, routes, transition.to, now);
}

/**
 * Reminders while a KPI stays in a bad state, for routes with a repeat interval
 * (Alertmanager's repeat_interval). The reminder restates the last transition.
 */
export async function planRepeatAlerts(catalog: Catalog, store: Store, kpi: LoadedKpi, state: HealthState, now: Date): Promise<OutboxEntry[]> {
  if (!isFiring(state)) return [];
  const due: AlertRoute[] = [];
  for (const route of catalog.alerts.routes) {
    if (!route.repeatIntervalMs || !routeMatches(route, kpi) || !route.notify.includes(state as NotifyOn)) continue;
    const last = (await store.getCursor(notifiedScope(route.name, kpi.id))) as { at?: string } | undefined;
    if (repeatDue(last?.at, route.repeatIntervalMs, now.toISOString())) due.push(route);
  }
  if (due.length === 0) return [];
  const [lastTransition] = await store.listTransitions(kpi.id, 1);
  if (!lastTransition || lastTransition.to !== state) return [];
  const event = await buildEvent(catalog, store, kpi, lastTransition, 'health.repeat', now);
  for (const route of due) await store.setCursor(notifiedScope(route.name, kpi.id), { at: now.toISOString() });
  return entriesFor(event, due, state, now);
}

/**
 * The alert a held KR push raises: sent to the routes that want warnings for this
 * KPI, saying what looked wrong and how to release the push.
 */
export async function planHeldPushAlert(catalog: Catalog, store: Store, kpi: LoadedKpi, pushId: string, reason: string, point: { value: number; period: string }, now: Date): Promise<OutboxEntry[]> {
  const routes = catalog.alerts.routes.filter((route) => routeMatches(route, kpi) && route.notify.includes('warn'));
  if (routes.length === 0) return [];
  const state = (await store.getHealth(kpi.id))?.state ?? 'no_data';
  const transition: HealthTransition = { kpi: kpi.id, from: state, to: state, value: point.value, period: point.period, at: now.toISOString() };
  const event = await buildEvent(catalog, store, kpi, transition, 'push.held', now);
  event.id = `evt_${hash('push.held', pushId)}`;
  event.suggestion = `A KR push of ${kpi.name} was held: ${reason}. Check the source, then release it with \`kpi-sync pushes approve ${pushId}\`.`;
  return entriesFor(event, routes, 'warn', now);
}
