import { KsError } from '../sdk/errors.ts';
import type { AlertEvent } from './alert-event.ts';
import type { Deliverer } from './delivery.ts';
import { createDestination } from './destinations/create-destination.ts';
import type { DestinationOptions } from './destinations/destination.ts';
import type { DestinationConfig } from './destinations/schemas.ts';
import { createPushTarget } from './targets/create-push-target.ts';
import { pushPayloadSchema, type PushPayload } from './targets/push-payload.ts';
import type { TargetConfig } from './targets/target-schemas.ts';

/**
 * The one registry of everything the outbox delivers to, by name: alert destinations
 * (webhook, Slack, PagerDuty) and KR push targets (Quantive, Tability, OKR tracker,
 * HTTP). Outbox entries find their receiver by name; every receiver sends through
 * the SDK's HTTP client (src/notify/send.ts).
 */
export function createDeliverers(
  config: { destinations: readonly DestinationConfig[]; targets: readonly TargetConfig[] },
  options: DestinationOptions = {},
): Map<string, Deliverer> {
  const deliverers = new Map<string, Deliverer>();
  for (const destination of config.destinations.map((c) => createDestination(c, options))) {
    deliverers.set(destination.name, { name: destination.name, deliver: (payload, attempt) => destination.deliver(payload as AlertEvent, attempt) });
  }
  for (const target of config.targets.map((c) => createPushTarget(c, options))) {
    deliverers.set(target.name, { name: target.name, deliver: async (payload, attempt) => target.deliver(parsePayload(payload), attempt) });
  }
  return deliverers;
}

/**
 * The outbox hands over `unknown`; a payload that is not a PushPayload (a row from a
 * broken or older version) is refused before any request is built, naming the field.
 */
export function parsePayload(payload: unknown): PushPayload {
  const parsed = pushPayloadSchema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : '(root)';
  throw new KsError('KS_ERR_INTERNAL', `the outbox entry is not a KR push: ${where}: ${issue?.message ?? 'invalid'}`);
}
