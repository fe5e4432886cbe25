import type { DeliveryAttempt, DeliveryResult } from './destinations/destination.ts';

export type { DeliveryAttempt, DeliveryResult } from './destinations/destination.ts';

/**
 * What the dispatcher needs from a destination: one attempt, classified. The
 * destination never retries by itself; the dispatcher owns retries, backoff and
 * persistence, so a retry survives a restart. Alert destinations and (later) KR
 * push targets both fit.
 */
export interface Deliverer {
  name: string;
  deliver(payload: unknown, attempt: DeliveryAttempt): Promise<DeliveryResult>;
}

export interface DeliveryPolicy {
  /** Backoff base and cap (full jitter). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** An entry older than this is dead-lettered instead of tried again. */
  maxAgeMs: number;
  /** Entries handled per tick. */
  batchSize: number;
  /** How long an attempt may be in flight before a crashed one is tried again (destinations time out well before). */
  leaseMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  baseDelayMs: 5_000,
  maxDelayMs: 15 * 60_000,
  maxAgeMs: 24 * 3_600_000,
  batchSize: 50,
  leaseMs: 5 * 60_000,
};
