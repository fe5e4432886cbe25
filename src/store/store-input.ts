import { KsError } from '../sdk/errors.ts';
import { OUTBOX_STATUSES, type OutboxEntry, type OutboxStatus, type Silence, type SyncCommit } from './store.ts';

/**
 * Argument checks every Store adapter makes the same way, so both reject the same
 * bad input with the same message (the contract suite relies on it).
 */

const STATUSES: ReadonlySet<OutboxStatus> = new Set(OUTBOX_STATUSES);
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

/**
 * Checks a whole commit before anything is written, so an adapter can rely on its
 * transaction for atomicity and still report the first problem by name.
 */
export function checkSyncCommit(commit: SyncCommit): void {
  const op = 'commitSync';
  if (!commit.kpi) throw invalidInput(op, 'a commit needs its KPI id');
  const { datapoints, health, run } = commit;
  if (datapoints?.options.closedBefore !== undefined) instant(op, 'closedBefore', datapoints.options.closedBefore);
  for (const point of datapoints?.points ?? []) {
    if (Number.isNaN(Date.parse(point.period))) throw invalidInput(op, `KPI "${point.kpi}": period "${point.period}" is not an ISO instant`);
    if (!Number.isFinite(point.value)) throw invalidInput(op, `KPI "${point.kpi}" at ${point.period}: value ${point.value} is not finite`);
  }
  if (health?.transition && health.transition.kpi !== commit.kpi) {
    throw invalidInput(op, `transition is for KPI "${health.transition.kpi}", not "${commit.kpi}"`);
  }
  for (const progress of commit.progress ?? []) {
    if (!Number.isFinite(progress.value) || !Number.isFinite(progress.progress)) {
      throw invalidInput(op, `KR "${progress.kr}" has a non-finite value or progress`);
    }
  }
  for (const entry of commit.outbox ?? []) checkOutboxEntry(op, entry);
  for (const { at } of commit.notified ?? []) instant(op, 'notified at', at);
  for (const { push } of commit.lastPushed ?? []) instant(op, 'last push at', push.at);
  if (run) {
    instant(op, 'run startedAt', run.startedAt);
    if (run.kpi !== commit.kpi) throw invalidInput(op, `run "${run.id}" is for KPI "${run.kpi}", not "${commit.kpi}"`);
  }
}

/** Returns the silence's startsAt and endsAt as epoch ms. */
export function checkSilence(operation: string, silence: Silence): { startsMs: number; endsMs: number } {
  const startsMs = instant(operation, 'startsAt', silence.startsAt);
  const endsMs = instant(operation, 'endsAt', silence.endsAt);
  if (!silence.id) throw invalidInput(operation, 'a silence needs an id');
  const { kpi, category } = silence.matcher ?? {};
  if (Boolean(kpi) === Boolean(category)) throw invalidInput(operation, `silence "${silence.id}" must match exactly one of a KPI or a category`);
  if (endsMs <= startsMs) throw invalidInput(operation, `silence "${silence.id}" ends (${silence.endsAt}) before it starts (${silence.startsAt})`);
  if (!silence.reason?.trim() || !silence.createdBy?.trim()) throw invalidInput(operation, `silence "${silence.id}" needs a reason and who added it`);
  return { startsMs, endsMs };
}

/** The silence ended at `at` (ms): endsAt and removedAt become `at`, unless it had already ended by then. */
export function endedSilence(silence: Silence, at: string, atMs: number): Silence | undefined {
  if (Date.parse(silence.endsAt) <= atMs) return undefined;
  return { ...silence, endsAt: at, removedAt: at };
}
