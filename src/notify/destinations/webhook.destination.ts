import { Webhook } from 'standardwebhooks';
import { ConfigError, KsError } from '../../sdk/errors.ts';
import type { AlertEvent } from '../alert-event.ts';
import { secretList } from './classify.ts';
import type { Destination, DestinationOptions } from './destination.ts';
import { deliveryClient, send } from '../send.ts';
import type { WebhookDestinationConfig } from './schemas.ts';

/**
 * The Standard Webhooks body: `{ type, timestamp, data }`, where `timestamp` is when
 * the transition happened and `data` the whole event
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#payload-structure).
 * A test (`kpi-sync alerts test`) also says `"test": true` at the top, where a
 * receiver's router looks first. Built once per attempt and signed as the exact bytes sent.
 */
export function webhookBody(event: AlertEvent): string {
  return JSON.stringify({ type: event.type, timestamp: event.createdAt, ...(event.test ? { test: true } : {}), data: event });
}

/**
 * A JSON POST signed with the official `standardwebhooks` library. Every attempt
 * carries the event id as `webhook-id` (the receiver's idempotency key) and a fresh
 * `webhook-timestamp` and `webhook-signature`, so a retry hours later still passes
 * the receiver's 5-minute replay window.
 */
export function webhookDestination(config: WebhookDestinationConfig, options: DestinationOptions = {}): Destination {
  const now = options.now ?? Date.now;
  const http = options.http ?? deliveryClient({ allowLinkLocal: config.allowLinkLocal ?? false });
  let signer: Webhook;
  try {
    signer = new Webhook(config.secret);
  } catch {
    // The library's message is safe, but says nothing about which destination or what to fix.
    throw new ConfigError(`webhook destination "${config.name}": the secret is not "whsec_" followed by base64`);
  }
  const extra = config.headers ?? {};
  const secrets = secretList([config.secret, config.secret.slice('whsec_'.length), ...Object.values(extra)]);
  const target = new URL(config.url).host;

  return {
    name: config.name,
    kind: 'webhook',
    async deliver(event, attempt) {
      // The signed content is `{id}.{timestamp}.{body}`; a `.` in the id would make it ambiguous.
      if (event.id === '' || event.id.includes('.')) {
        throw new KsError(
          'KS_ERR_INTERNAL',
          `alert event id ${JSON.stringify(event.id.slice(0, 80))} cannot be a webhook-id: it must be non-empty and contain no "."`,
        );
      }
      const body = webhookBody(event);
      const at = new Date(now());
      const headers: Record<string, string> = {
        ...extra,
        'content-type': 'application/json',
        'webhook-id': event.id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signer.sign(event.id, at, body),
      };
      return send(http, {
        method: 'POST',
        url: config.url,
        headers,
        body,
        timeoutMs: config.timeoutMs,
        signal: attempt.signal,
        target,
        secrets,
        now,
      });
    },
  };
}
