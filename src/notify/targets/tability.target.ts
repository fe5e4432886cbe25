import { secretList } from '../destinations/classify.ts';
import { tabilityConfidence } from './confidence.ts';
import type { PushPayload } from './push-payload.ts';
import type { PushTarget, PushTargetOptions } from './push-target.ts';
import { send, deliveryClient } from '../send.ts';
import type { TabilityTargetConfig } from './target-schemas.ts';

/**
 * Tability's check-ins webhook
 * (https://guides.tability.app/docs/features/check-ins/using-the-check-ins-api):
 * `POST {base}/webhooks/checkins?remote_checkins_token=…` with `personal_api_token`,
 * `score` (a string in their example), `body` and `confidence` (green, yellow, red).
 * The remote check-ins token is enabled per outcome and names it, so one target is
 * one outcome. It travels in the query string: messages name the host only and the
 * token, raw and percent-encoded, is scrubbed from anything the receiver echoes.
 *
 * The webhook has no idempotency key and nothing to read back with these two tokens,
 * so an attempt whose answer was lost can leave a second check-in with the same
 * score; Quantive is the target that can prevent that.
 */
export function tabilityTarget(config: TabilityTargetConfig, options: PushTargetOptions = {}): PushTarget {
  const now = options.now ?? Date.now;
  const http = options.http ?? deliveryClient({ allowLinkLocal: config.allowLinkLocal ?? false });
  const url = `${config.baseUrl}/webhooks/checkins?remote_checkins_token=${encodeURIComponent(config.remoteCheckinsToken)}`;
  const target = new URL(config.baseUrl).host;
  const secrets = secretList([config.remoteCheckinsToken, encodeURIComponent(config.remoteCheckinsToken), config.personalApiToken]);

  return {
    name: config.name,
    kind: 'tability',
    async deliver(payload, attempt) {
      return send(http, {
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(tabilityBody(payload, config.personalApiToken)),
        timeoutMs: config.timeoutMs,
        signal: attempt.signal,
        target,
        secrets,
        now,
      });
    },
  };
}

export function tabilityBody(payload: PushPayload, personalApiToken: string): Record<string, unknown> {
  return { personal_api_token: personalApiToken, score: String(payload.value), body: payload.note, confidence: tabilityConfidence(payload.confidence) };
}
