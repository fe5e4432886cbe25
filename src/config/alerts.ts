import type { AlertRoute } from '../domain/alert-routing.ts';
import { parseDuration } from '../domain/periods.ts';
import type { AlertsConfig } from './alerts.schema.ts';
import type { LoadedAlerts } from './catalog.ts';

/** The validated `alerts` section in the shape the dispatcher and the domain use. */
export function loadedAlerts(config: AlertsConfig | undefined): LoadedAlerts {
  const delivery = config?.delivery ?? { maxAge: '24h', baseDelayMs: 5_000, maxDelayMs: 900_000, leaseMs: 300_000 };
  const routes: AlertRoute[] = (config?.routes ?? []).map((route) => ({
    name: route.name,
    match: route.match,
    destinations: route.destinations,
    notify: route.notify,
    ...(route.repeatInterval ? { repeatIntervalMs: parseDuration(route.repeatInterval) } : {}),
    ...(route.quietHours ? { quietHours: route.quietHours } : {}),
  }));
  return {
    destinations: config?.destinations ?? [],
    routes,
    ...(config?.dashboardUrl ? { dashboardUrl: config.dashboardUrl } : {}),
    delivery: { maxAgeMs: parseDuration(delivery.maxAge), baseDelayMs: delivery.baseDelayMs, maxDelayMs: delivery.maxDelayMs, leaseMs: delivery.leaseMs },
  };
}
