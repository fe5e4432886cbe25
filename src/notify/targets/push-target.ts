import type { HttpClient } from '../../sdk/http.types.ts';
import type { DeliveryAttempt, DeliveryResult } from '../destinations/destination.ts';
import type { PushPayload } from './push-payload.ts';

export type PushTargetKind = 'quantive' | 'tability' | 'okr-tracker' | 'http';

/**
 * Where KR check-ins go: one OKR platform account. deliver() is ONE attempt (the
 * dispatcher owns retries, backoff and persistence): it makes the platform's write
 * request, and for a platform that can be read back and has no idempotency key,
 * first a read when `attempt.number > 1`, because the dispatcher records an attempt
 * before making it and an earlier one may have landed. Redirects are never followed,
 * every request has the target's timeout, and `error`/`response` in the result are
 * short, single-line and free of the target's credentials. deliver() rejects only
 * with `attempt.signal`'s reason when the dispatcher aborts it.
 */
export interface PushTarget {
  /** The config name, unique among targets; KRs refer to it in `push[].target`. */
  name: string;
  kind: PushTargetKind;
  deliver(payload: PushPayload, attempt: DeliveryAttempt): Promise<DeliveryResult>;
}

export interface PushTargetOptions {
  /** Epoch ms, to read an HTTP-date Retry-After against. Default Date.now. */
  now?: () => number;
  /** The SDK client the target sends through. Default: its own, one attempt per request (src/notify/send.ts). */
  http?: HttpClient;
}
