import type { AlertEvent } from './alert-event.ts';
import type { Deliverer } from './delivery.ts';
import { createDestination } from './destinations/create-destination.ts';
import type { DestinationConfig } from './destinations/schemas.ts';

/** The configured alert destinations as the dispatcher sees them, by name. */
export function alertDeliverers(configs: readonly DestinationConfig[]): Map<string, Deliverer> {
  return new Map(
    configs.map((config) => {
      const destination = createDestination(config);
      const deliverer: Deliverer = { name: destination.name, deliver: (payload, attempt) => destination.deliver(payload as AlertEvent, attempt) };
      return [destination.name, deliverer];
    }),
  );
}
