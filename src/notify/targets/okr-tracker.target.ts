import { secretList } from '../destinations/classify.ts';
import type { PushPayload } from './push-payload.ts';
import type { PushTarget, PushTargetOptions } from './push-target.ts';
import { notResent, readJson, send, type SendRequest, deliveryClient } from '../send.ts';
import type { OkrTrackerTargetConfig } from './target-schemas.ts';

/**
 * oslokommune's okr-tracker (https://github.com/oslokommune/okr-tracker,
 * public/openapi.yaml and functions/api/routes/{keyres,kpi}.js). Writes carry the
 * team's `okr-team-secret` header (and `x-api-key` where the API gateway asks for
 * one). Values must be ≥ 0: the API rejects anything else with a 400.
 *
 * - keyres: `POST /keyres/{id}` `{ progress, comment }`. Despite its name, `progress`
 *   is the key result's measured value (the API stores it as the new current value
 *   and computes the progression itself), so we send the value, not our 0..1
 *   progress. Each POST adds a record, so a repeat attempt first reads
 *   `GET /keyres/{id}` and, when its `lastUpdated.value` already is our value, does
 *   not post again (at worst skipping a same-value record; the key result shows the
 *   right value either way).
 * - kpi: `PUT /kpi/{id}/values/{date}` `{ value, comment }` creates or replaces the
 *   day's value, so a repeat is harmless and needs no read-back. The API refuses
 *   dates in the future.
 */
export function okrTrackerTarget(config: OkrTrackerTargetConfig, options: PushTargetOptions = {}): PushTarget {
  const now = options.now ?? Date.now;
  const http = options.http ?? deliveryClient({ allowLinkLocal: config.allowLinkLocal ?? false });
  const target = new URL(config.baseUrl).host;
  const secrets = secretList([config.teamSecret, config.apiKey]);
  const auth: Record<string, string> = { 'okr-team-secret': config.teamSecret, ...(config.apiKey ? { 'x-api-key': config.apiKey } : {}) };

  return {
    name: config.name,
    kind: 'okr-tracker',
    async deliver(payload, attempt) {
      const common: Omit<SendRequest, 'method' | 'url' | 'headers'> = { timeoutMs: config.timeoutMs, signal: attempt.signal, target, secrets, now };
      const id = encodeURIComponent(payload.platformId);
      const headers = { ...auth, 'content-type': 'application/json' };
      if (config.mode === 'kpi') {
        const url = `${config.baseUrl}/kpi/${id}/values/${payload.checkInDate}`;
        return send(http, { ...common, method: 'PUT', url, headers, body: JSON.stringify({ value: payload.value, ...comment(payload) }) });
      }
      const url = `${config.baseUrl}/keyres/${id}`;
      if (attempt.number > 1) {
        const read = await readJson(http, { ...common, method: 'GET', url, headers: auth });
        if (!read.ok) return notResent(read.result);
        if (lastValue(read.data) === payload.value) return { outcome: 'delivered', status: read.status };
      }
      return send(http, { ...common, method: 'POST', url, headers, body: JSON.stringify({ progress: payload.value, ...comment(payload) }) });
    },
  };
}

function comment(payload: PushPayload): { comment?: string } {
  return payload.note.trim() === '' ? {} : { comment: payload.note };
}

function lastValue(keyResult: unknown): number | undefined {
  const last = (keyResult as { lastUpdated?: { value?: unknown } | null } | null)?.lastUpdated;
  return typeof last?.value === 'number' ? last.value : undefined;
}
