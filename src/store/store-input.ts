import { KsError } from '../sdk/errors.ts';
import type { OutboxEntry, OutboxStatus } from './store.ts';

/**
 * Argument checks every Store adapter makes the same way, so both reject the same
 * bad input with the same message (the contract suite relies on it).
 */

const STATUSES: ReadonlySet<OutboxStatus> = new Set(['pending', 'held', 'delivered', 'failed', 'dead']);
const CHANNELS: ReadonlySet<OutboxEntry['channel']> = new Set(['alert', 'push']);

/** A bad argument from the caller: a bug upstream, so KS_ERR_INTERNAL and never retried. */
export function invalidInput(operation: string, message: string): KsError {
  return new KsError('KS_ERR_INTERNAL', `Store ${operation}: ${message}`);
}

/** Epoch ms of an ISO instant. */
export function instant(operation: string, field: string, iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw invalidInput(operation, `${field} "${iso}" is not an ISO instant`);
  return ms;
}

/** undefined = no limit. */
export function checkLimit(operation: string, limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isInteger(limit) || limit < 0) throw invalidInput(operation, `limit ${limit} is not a non-negative integer`);
  return limit;
}

/** Returns the entry's createdAt and nextAttemptAt as epoch ms. */
export function checkOutboxEntry(operation: string, entry: OutboxEntry): { createdMs: number; nextMs: number } {
  const createdMs = instant(operation, 'createdAt', entry.createdAt);
  const nextMs = instant(operation, 'nextAttemptAt', entry.nextAttemptAt);
  if (!entry.id || !entry.eventId || !entry.destination) throw invalidInput(operation, 'an outbox entry needs id, eventId and destination');
  if (!STATUSES.has(entry.status)) throw invalidInput(operation, `outbox entry "${entry.id}" has unknown status "${entry.status}"`);
  if (!CHANNELS.has(entry.channel)) throw invalidInput(operation, `outbox entry "${entry.id}" has unknown channel "${entry.channel}"`);
  return { createdMs, nextMs };
}
