import { secretList } from '../destinations/classify.ts';
import { quantiveConfidence } from './confidence.ts';
import type { PushPayload } from './push-payload.ts';
import type { PushTarget, PushTargetOptions } from './push-target.ts';
import { notResent, readJson, send, type SendRequest, deliveryClient } from '../send.ts';
import { QUANTIVE_BASE_URLS, type QuantiveTargetConfig } from './target-schemas.ts';

/**
 * Quantive Results (https://developer.quantive.com/api-reference/results/usage.html):
 * every request carries `Authorization: Bearer <token>` and `gtmhub-accountid`; the
 * base URL depends on the data centre. Key Results are "metrics" in its API
 * (https://developer.us.gtmhub.com/api-reference/metrics.html): a push is
 * `POST {base}/metrics/{id}/checkin` with `actual`, `checkInDate`, `comment` and
 * `confidence` (0..1, see confidence.ts), and `GET {base}/metrics/{id}` returns the
 * metric with its `actual` and `lastCheckInDate`.
 *
 * A check-in has no idempotency key, so a repeat attempt (`attempt.number > 1`: an
 * earlier one may have landed before the process died or the answer was lost) reads
 * the metric first and reports the push delivered without posting when the metric
 * already holds this value from a check-in on this date. A read-back that fails ends
 * the attempt without posting: never a blind second check-in.
 */
export function quantiveTarget(config: QuantiveTargetConfig, options: PushTargetOptions = {}): PushTarget {
  const now = options.now ?? Date.now;
  const http = options.http ?? deliveryClient({ allowLinkLocal: config.allowLinkLocal ?? false });
  const base = config.baseUrl ?? QUANTIVE_BASE_URLS[config.region];
  const target = new URL(base).host;
  const secrets = secretList([config.token]);
  const auth = { authorization: `Bearer ${config.token}`, 'gtmhub-accountid': config.accountId };
  const metricUrl = (id: string) => `${base}/metrics/${encodeURIComponent(id)}`;

  return {
    name: config.name,
    kind: 'quantive',
    async deliver(payload, attempt) {
      const common: Omit<SendRequest, 'method' | 'url' | 'headers'> = { timeoutMs: config.timeoutMs, signal: attempt.signal, target, secrets, now };
      if (attempt.number > 1) {
        const read = await readJson(http, { ...common, method: 'GET', url: metricUrl(payload.platformId), headers: auth });
        if (!read.ok) return notResent(read.result);
        const landed = alreadyCheckedIn(read.data, payload);
        if (landed === 'unknown') {
          return {
            outcome: 'retry',
            status: read.status,
            error: `GET ${target} → ${read.status}, but the metric has no numeric "actual" to compare; not re-sending a check-in that may have landed`,
          };
        }
        if (landed) return { outcome: 'delivered', status: read.status };
      }
      return send(http, {
        ...common,
        method: 'POST',
        url: `${metricUrl(payload.platformId)}/checkin`,
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(checkinBody(payload)),
      });
    },
  };
}

export function checkinBody(payload: PushPayload): Record<string, unknown> {
  return { actual: payload.value, checkInDate: payload.checkInDate, comment: payload.note, confidence: quantiveConfidence(payload.confidence) };
}

/** Within a day either side of the check-in date's midnight UTC: Quantive may store the date as an instant in the account's zone. */
const SAME_DATE_MS = 24 * 3_600_000;

/**
 * Whether the metric already shows this check-in: its `actual` is our value and its
 * `lastCheckInDate` is our check-in date. No `lastCheckInDate` means no check-in ever
 * landed; an `actual` we cannot read means we cannot tell.
 */
export function alreadyCheckedIn(metric: unknown, payload: PushPayload): boolean | 'unknown' {
  if (metric === null || typeof metric !== 'object') return 'unknown';
  const { actual, lastCheckInDate } = metric as { actual?: unknown; lastCheckInDate?: unknown };
  if (typeof lastCheckInDate !== 'string' || lastCheckInDate === '') return false;
  if (typeof actual !== 'number') return 'unknown';
  if (!sameNumber(actual, payload.value)) return false;
  const at = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(lastCheckInDate) ? `${lastCheckInDate}T00:00:00Z` : lastCheckInDate);
  const day = Date.parse(`${payload.checkInDate}T00:00:00Z`);
  return !Number.isNaN(at) && Math.abs(at - day) < SAME_DATE_MS;
}

/** Equal up to the rounding a server storing decimals may apply. */
function sameNumber(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
