import { describe, expect, it } from 'vitest';
import { notifyKindOf, quietHoursEnd, repeatDue, routeMatches, routesForTransition, type AlertRoute } from '../../../src/domain/alert-routing.ts';

const churn = { id: 'churn_rate', category: 'Growth', tags: ['revenue'] };
const route = (over: Partial<AlertRoute>): AlertRoute => ({ name: 'r', match: {}, destinations: ['d'], notify: ['warn', 'critical', 'resolved'], ...over });

describe('alert routing', () => {
  it('matches by id, category or tag; an empty match is everything', () => {
    expect(routeMatches(route({}), churn)).toBe(true);
    expect(routeMatches(route({ match: { kpis: ['churn_rate'] } }), churn)).toBe(true);
    expect(routeMatches(route({ match: { categories: ['Growth'] } }), churn)).toBe(true);
    expect(routeMatches(route({ match: { tags: ['revenue'] } }), churn)).toBe(true);
    expect(routeMatches(route({ match: { kpis: ['nps'], categories: ['Product'], tags: ['quality'] } }), churn)).toBe(false);
  });

  it('names transitions the way routes filter them', () => {
    expect(notifyKindOf('ok', 'warn')).toBe('warn');
    expect(notifyKindOf('warn', 'critical')).toBe('critical');
    expect(notifyKindOf('critical', 'ok')).toBe('resolved');
    expect(notifyKindOf('ok', 'no_data')).toBe('no_data');
    expect(notifyKindOf('ok', 'ok')).toBeUndefined();
  });

  it('sends resolved only to routes that heard about the state being left', () => {
    const criticalOnly = route({ name: 'pager', notify: ['critical', 'resolved'] });
    const all = route({ name: 'chat', notify: ['warn', 'critical', 'resolved'] });
    const noResolved = route({ name: 'quiet', notify: ['warn', 'critical'] });
    const names = (from: Parameters<typeof routesForTransition>[2], to: Parameters<typeof routesForTransition>[3]) =>
      routesForTransition([criticalOnly, all, noResolved], churn, from, to).map((r) => r.name);
    expect(names('ok', 'warn')).toEqual(['chat', 'quiet']);
    expect(names('warn', 'critical')).toEqual(['pager', 'chat', 'quiet']);
    expect(names('warn', 'ok')).toEqual(['chat']); // pager never heard of the warning
    expect(names('critical', 'ok')).toEqual(['pager', 'chat']);
    expect(names('ok', 'no_data')).toEqual([]); // nobody asked for no_data
  });

  it('repeats only after the interval while firing', () => {
    expect(repeatDue('2026-11-23T08:00:00Z', 4 * 3600_000, '2026-11-23T11:59:59Z')).toBe(false);
    expect(repeatDue('2026-11-23T08:00:00Z', 4 * 3600_000, '2026-11-23T12:00:00Z')).toBe(true);
    expect(repeatDue(undefined, 4 * 3600_000, '2026-11-23T12:00:00Z')).toBe(false);
    expect(repeatDue('2026-11-23T08:00:00Z', undefined, '2026-11-30T12:00:00Z')).toBe(false);
  });

  it('holds notifications during quiet hours across midnight, in the zone, DST included', () => {
    const quiet = { start: '22:00', end: '07:00', timezone: 'Europe/Oslo' };
    // 23:30 Oslo (UTC+1 in November) → held until 07:00 Oslo next morning = 06:00Z.
    expect(quietHoursEnd(quiet, '2026-11-23T22:30:00Z')).toBe('2026-11-24T06:00:00.000Z');
    // 03:00 Oslo → until 07:00 the same morning.
    expect(quietHoursEnd(quiet, '2026-11-24T02:00:00Z')).toBe('2026-11-24T06:00:00.000Z');
    expect(quietHoursEnd(quiet, '2026-11-24T12:00:00Z')).toBeUndefined();
    // The night DST ends (2026-10-25 in Oslo): 07:00 local is 06:00Z, not 05:00Z.
    expect(quietHoursEnd(quiet, '2026-10-24T23:00:00Z')).toBe('2026-10-25T06:00:00.000Z');
    expect(quietHoursEnd({ ...quiet, exceptCritical: true }, '2026-11-23T22:30:00Z', 'critical')).toBeUndefined();
    expect(quietHoursEnd(undefined, '2026-11-23T22:30:00Z')).toBeUndefined();
  });
});
