import type { HttpClient } from '../../sdk/http.types.ts';
import type { AlertEvent } from '../alert-event.ts';

/** One delivery attempt, as the dispatcher hands it over. */
export interface DeliveryAttempt {
  /** 1 for the first attempt of this event to this destination. */
  number: number;
  /** Aborted when the dispatcher shuts down: the attempt stops and deliver() rejects with its reason. */
  signal: AbortSignal;
}

/**
 * The outcome of one attempt, for the dispatcher to persist. `error` and `response`
 * are short, single-line and free of secrets (the destination's credentials and
 * anything credential-shaped are scrubbed), so they can go straight into the outbox.
 */
export type DeliveryResult =
  | { outcome: 'delivered'; status: number }
  /** Another attempt can succeed: 408, 429, 5xx, timeouts, resets, refused connections, TLS and DNS failures. */
  | { outcome: 'retry'; status?: number; retryAfterMs?: number; error: string }
  /** Another attempt of the same event will not succeed. `disable`: the receiver said 410 Gone. */
  | { outcome: 'failed'; status: number; response: string; disable?: boolean };

/**
 * Where alerts go. A destination makes exactly ONE HTTP request per deliver() call
 * and does not follow redirects; retries, backoff, persistence and dead-lettering
 * belong to the dispatcher. deliver() resolves with a DeliveryResult for every HTTP
 * or network outcome. It rejects only with `attempt.signal`'s reason when the
 * dispatcher aborts it (the attempt then did not count), or with a KS_ERR_INTERNAL
 * KsError for an event no receiver could accept (a bug upstream, e.g. a `.` in a
 * webhook id); neither message carries a secret.
 */
export interface Destination {
  /** The config name, unique among destinations. */
  name: string;
  kind: 'webhook' | 'slack' | 'pagerduty';
  deliver(event: AlertEvent, attempt: DeliveryAttempt): Promise<DeliveryResult>;
}

/** Options every destination accepts, for tests and for the dispatcher's clock. */
export interface DestinationOptions {
  /** Epoch ms; the webhook timestamp and Retry-After dates are read against it. Default Date.now. */
  now?: () => number;
  /** The SDK client the destination sends through. Default: its own, one attempt per request (src/notify/send.ts). */
  http?: HttpClient;
}
