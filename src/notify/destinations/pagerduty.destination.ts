import { secretList } from './classify.ts';
import type { Destination, DestinationOptions } from './destination.ts';
import { pagerdutyEvent } from './pagerduty.event.ts';
import { deliveryClient, send } from '../send.ts';
import type { PagerdutyDestinationConfig } from './schemas.ts';

/**
 * PagerDuty Events API v2. It answers 202 `{ status, message, dedup_key }`; 400 for an
 * event it cannot read (not retried), 429 when throttled and 5xx, both retried, as
 * its retry table says (vendor-specs/pagerduty/events-v2/openapiv3.json, info).
 * The routing key travels in the body only and is scrubbed from every message.
 */
export function pagerdutyDestination(config: PagerdutyDestinationConfig, options: DestinationOptions = {}): Destination {
  const now = options.now ?? Date.now;
  const http = options.http ?? deliveryClient({ allowLinkLocal: config.allowLinkLocal ?? false });
  const target = new URL(config.url).host;
  const secrets = secretList([config.routingKey]);

  return {
    name: config.name,
    kind: 'pagerduty',
    async deliver(event, attempt) {
      return send(http, {
        method: 'POST',
        url: config.url,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(pagerdutyEvent(event, config.routingKey)),
        timeoutMs: config.timeoutMs,
        signal: attempt.signal,
        target,
        secrets,
        now,
      });
    },
  };
}
