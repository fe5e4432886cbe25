import { DateTime } from 'luxon';
import type { HealthState } from './types.ts';

/** What a route can be told about: Alertmanager's firing states plus `send_resolved`. */
export type NotifyOn = 'warn' | 'critical' | 'resolved' | 'no_data';

export interface QuietHours {
  /** Local wall-clock times, HH:mm; a window may cross midnight (22:00 → 07:00). */
  start: string;
  end: string;
  timezone: string;
  /** Let critical alerts through during quiet hours. */
  exceptCritical?: boolean;
}

export interface AlertRoute {
  name: string;
  /** Any listed id, category or tag matches (OR); an empty match matches every KPI. */
  match: { kpis?: string[]; categories?: string[]; tags?: string[] };
  destinations: string[];
  notify: NotifyOn[];
  /** Re-notify while still firing, like Alertmanager's repeat_interval. */
  repeatIntervalMs?: number;
  quietHours?: QuietHours;
}

export interface RoutableKpi {
  id: string;
  category: string;
  tags?: string[];
}

export function routeMatches(route: AlertRoute, kpi: RoutableKpi): boolean {
  const { kpis, categories, tags } = route.match;
  if (!kpis?.length && !categories?.length && !tags?.length) return true;
  if (kpis?.includes(kpi.id)) return true;
  if (categories?.includes(kpi.category)) return true;
  return Boolean(tags?.some((tag) => kpi.tags?.includes(tag)));
}

/** The notification a transition is: entering a bad state, or recovering (resolved). */
export function notifyKindOf(from: HealthState, to: HealthState): NotifyOn | undefined {
  if (to === 'ok') return from === 'ok' ? undefined : 'resolved';
  return to;
}

/**
 * The routes that want to hear about this transition. A resolved notification goes
 * only to routes that would have been told about the state being left, so nobody
 * gets "resolved" for a problem they never heard of.
 */
export function routesForTransition(routes: AlertRoute[], kpi: RoutableKpi, from: HealthState, to: HealthState): AlertRoute[] {
  const kind = notifyKindOf(from, to);
  if (!kind) return [];
  return routes.filter((route) => {
    if (!routeMatches(route, kpi) || !route.notify.includes(kind)) return false;
    if (kind !== 'resolved') return true;
    return from !== 'ok' && route.notify.includes(from as NotifyOn);
  });
}

/** Whether a state is "firing": bad enough that a repeat interval applies. */
export function isFiring(state: HealthState): boolean {
  return state === 'warn' || state === 'critical' || state === 'no_data';
}

export function repeatDue(lastNotifiedAt: string | undefined, intervalMs: number | undefined, now: string): boolean {
  if (!intervalMs || !lastNotifiedAt) return false;
  return Date.parse(now) - Date.parse(lastNotifiedAt) >= intervalMs;
}

/**
 * When `now` falls inside the quiet hours, the instant they end (ISO); otherwise
 * undefined. Wall-clock times are read in the quiet hours' own zone, DST included.
 */
export function quietHoursEnd(quiet: QuietHours | undefined, now: string, severity?: HealthState): string | undefined {
  if (!quiet) return undefined;
  if (quiet.exceptCritical && severity === 'critical') return undefined;
  const local = DateTime.fromISO(now, { zone: quiet.timezone });
  const [sh, sm] = quiet.start.split(':').map(Number) as [number, number];
  const [eh, em] = quiet.end.split(':').map(Number) as [number, number];
  const minutes = local.hour * 60 + local.minute;
  const start = sh * 60 + sm;
  const end = eh * 60 + em;
  if (start === end) return undefined;
  const crossesMidnight = start > end;
  const inside = crossesMidnight ? minutes >= start || minutes < end : minutes >= start && minutes < end;
  if (!inside) return undefined;
  let endAt = local.set({ hour: eh, minute: em, second: 0, millisecond: 0 });
  if (endAt <= local) endAt = endAt.plus({ days: 1 });
  return endAt.toUTC().toISO()!;
}
