import { createHash } from 'node:crypto';
import type { Catalog, LoadedKpi } from '../../config/catalog.ts';
import { isFiring, quietHoursEnd, repeatDue, routeMatches, routesForTransition, type AlertRoute, type NotifyOn } from '../../domain/alert-routing.ts';
import type { Datapoint, HealthState, HealthTransition } from '../../domain/types.ts';
import { distanceOutside, isBreach, krSuggestion, type AlertEvent } from '../../notify/alert-event.ts';
import type { OutboxEntry, SyncState } from '../../store/store.ts';

/** Periods an alert carries for its sparkline. */
export const TREND_POINTS = 6;

/** What alert planning reads: the store's state of the KPI, with this sync's datapoints merged in. */
export interface AlertContext {
  catalog: Catalog;
  kpi: LoadedKpi;
  state: Pick<SyncState, 'episodeStart' | 'lastTransition' | 'notified'>;
  /** The KPI's latest datapoints after this sync, oldest first. */
  recent: Datapoint[];
  now: Date;
}

/** The alerts one sync queues and the notification times it records, to be committed with it. */
export interface PlannedAlerts {
  entries: OutboxEntry[];
  notified: { route: string; at: string }[];
}

function hash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/**
 * The breach episode a transition belongs to: it starts when the KPI leaves ok and
 * lasts until it returns, so PagerDuty's resolve closes the incident its trigger
 * opened. Derived from stored transitions, so it survives restarts unchanged.
 */
function episodeOf(kpi: string, transition: HealthTransition, episodeStart: HealthTransition | undefined): string {
  const start = transition.from === 'ok' ? transition : (episodeStart ?? transition);
  return `${kpi}-${hash(kpi, start.at).slice(0, 16)}`;
}

/** True when a KR on this KPI is running today: then the breach is already somebody's objective. */
function hasActiveKr(catalog: Catalog, kpi: string, now: Date): boolean {
  const today = now.toISOString().slice(0, 10);
  return (catalog.krsByKpi.get(kpi) ?? []).some(({ kr }) => kr.startDate <= today && today <= kr.dueDate);
}

function buildEvent(context: AlertContext, transition: HealthTransition, type: AlertEvent['type'], episodeStart: HealthTransition | undefined): AlertEvent {
  const { catalog, kpi, now } = context;
  const band = kpi.health?.band;
  const event: AlertEvent = {
    id: `evt_${hash(kpi.id, type, transition.at, transition.from, transition.to, type === 'health.repeat' ? now.toISOString() : '')}`,
    type,
    createdAt: type === 'health.repeat' ? now.toISOString() : transition.at,
    kpi: { id: kpi.id, name: kpi.name, category: kpi.category, ...(kpi.unit ? { unit: kpi.unit } : {}), ...(kpi.tags ? { tags: kpi.tags } : {}) },
    from: transition.from,
    to: transition.to,
    trend: context.recent.slice(-TREND_POINTS).map((p) => ({ period: p.period, value: p.value })),
    episode: episodeOf(kpi.id, transition, episodeStart),
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

/** The alerts a health transition sends. The very first evaluation of a KPI that is fine is news to nobody. */
export function planTransitionAlerts(context: AlertContext, transition: HealthTransition, firstEvaluation: boolean): PlannedAlerts {
  if (firstEvaluation && transition.to === 'ok') return { entries: [], notified: [] };
  const routes = routesForTransition(context.catalog.alerts.routes, context.kpi, transition.from, transition.to);
  if (routes.length === 0) return { entries: [], notified: [] };
  // A transition out of ok opens its own episode; any other continues the stored one.
  const event = buildEvent(context, transition, 'health.transition', context.state.episodeStart);
  const at = context.now.toISOString();
  return { entries: entriesFor(event, routes, transition.to, context.now), notified: routes.map((route) => ({ route: route.name, at })) };
}

/**
 * Reminders while a KPI stays in a bad state, for routes with a repeat interval
 * (Alertmanager's repeat_interval). The reminder restates the last transition.
 */
export function planRepeatAlerts(context: AlertContext, state: HealthState): PlannedAlerts {
  const { catalog, kpi, now } = context;
  const none = { entries: [], notified: [] };
  if (!isFiring(state)) return none;
  const due = catalog.alerts.routes.filter(
    (route) =>
      route.repeatIntervalMs !== undefined &&
      routeMatches(route, kpi) &&
      route.notify.includes(state as NotifyOn) &&
      repeatDue(context.state.notified.get(route.name), route.repeatIntervalMs, now.toISOString()),
  );
  const last = context.state.lastTransition;
  if (due.length === 0 || !last || last.to !== state) return none;
  const event = buildEvent(context, last, 'health.repeat', context.state.episodeStart);
  const at = now.toISOString();
  return { entries: entriesFor(event, due, state, now), notified: due.map((route) => ({ route: route.name, at })) };
}

/**
 * The alert a held KR push raises: sent to the routes that want warnings for this
 * KPI, saying what looked wrong and how to release the push.
 */
export function planHeldPushAlert(
  context: AlertContext,
  state: HealthState,
  pushId: string,
  reason: string,
  point: { value: number; period: string },
): OutboxEntry[] {
  const { catalog, kpi, now } = context;
  const routes = catalog.alerts.routes.filter((route) => routeMatches(route, kpi) && route.notify.includes('warn'));
  if (routes.length === 0) return [];
  const transition: HealthTransition = { kpi: kpi.id, from: state, to: state, value: point.value, period: point.period, at: now.toISOString() };
  const event = buildEvent(context, transition, 'push.held', context.state.episodeStart);
  event.id = `evt_${hash('push.held', pushId)}`;
  event.suggestion = `A KR push of ${kpi.name} was held: ${reason}. Check the source, then release it with \`kpi-sync pushes approve ${pushId}\`.`;
  return entriesFor(event, routes, 'warn', now);
}

/**
 * The alert a run refused by its data quality gate raises: to the routes that want
 * warnings for this KPI, once per KPI and period (a failure that repeats on every
 * sync of the day is one alert, not ninety-six), with the counts and first rejected
 * lines in the suggestion.
 */
export function planQualityAlert(context: AlertContext, state: HealthState, period: string, reason: string): OutboxEntry[] {
  const { catalog, kpi, now } = context;
  const routes = catalog.alerts.routes.filter((route) => routeMatches(route, kpi) && route.notify.includes('warn'));
  if (routes.length === 0) return [];
  const transition: HealthTransition = { kpi: kpi.id, from: state, to: state, period, at: now.toISOString() };
  const event = buildEvent(context, transition, 'quality.failed', context.state.episodeStart);
  event.id = `evt_${hash('quality.failed', kpi.id, String(Date.parse(period)))}`;
  event.suggestion = `A sync of ${kpi.name} was refused by its data quality gate and stored nothing (the previous values stay in force): ${reason}`;
  return entriesFor(event, routes, 'warn', now);
}
