import type { Destination, DestinationOptions } from './destination.ts';
import { pagerdutyDestination } from './pagerduty.destination.ts';
import type { DestinationConfig } from './schemas.ts';
import { slackDestination } from './slack.destination.ts';
import { webhookDestination } from './webhook.destination.ts';

/** A destination from its parsed config (`destinationConfigSchema` output). */
export function createDestination(config: DestinationConfig, options: DestinationOptions = {}): Destination {
  switch (config.kind) {
    case 'webhook':
      return webhookDestination(config, options);
    case 'slack':
      return slackDestination(config, options);
    case 'pagerduty':
      return pagerdutyDestination(config, options);
  }
}
