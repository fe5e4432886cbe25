import { KsError } from '../../sdk/errors.ts';
import type { Deliverer } from '../delivery.ts';
import { createPushTarget } from './create-push-target.ts';
import { pushPayloadSchema, type PushPayload } from './push-payload.ts';
import type { PushTargetOptions } from './push-target.ts';
import type { TargetConfig } from './target-schemas.ts';

/**
 * The configured push targets as the dispatcher sees them, by name. The outbox hands
 * over `unknown`; a payload that is not a PushPayload (a row from a broken or older
 * version) is refused before any request is built, with a message naming the field.
 */
export function pushDeliverers(configs: readonly TargetConfig[], options: PushTargetOptions = {}): Map<string, Deliverer> {
  return new Map(
    configs.map((config) => {
      const target = createPushTarget(config, options);
      const deliverer: Deliverer = { name: target.name, deliver: async (payload, attempt) => target.deliver(parsePayload(payload), attempt) };
      return [target.name, deliverer];
    }),
  );
}

export function parsePayload(payload: unknown): PushPayload {
  const parsed = pushPayloadSchema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : '(root)';
  throw new KsError('KS_ERR_INTERNAL', `the outbox entry is not a KR push: ${where}: ${issue?.message ?? 'invalid'}`);
}
