/**
 * Names of everything queue mode keeps in Redis, under the deployment's prefix P:
 *
 *   P:q:sync:*              BullMQ queue of sync jobs (one job = one KPI's whole sync)
 *   P:q:dispatch:*          BullMQ queue of outbox delivery passes (one at a time, cluster-wide)
 *   P:q:staleness:*         BullMQ queue of no_data checks (one at a time, cluster-wide)
 *   P:q:retention:*         BullMQ queue of retention passes (one at a time, cluster-wide)
 *   P:lock:reconcile        string   the scheduler replica reconciling right now
 *   P:lease:kpi:<kpi>       string   the job syncing this KPI (at most one), with a TTL
 *   P:lease:conn:<conn>     zset     jobs syncing against this connection → lease expiry
 *   P:rate:conn:<conn>      zset     sync starts on this connection in the last minute
 *
 * Nothing else: every datapoint, health record, run and outbox entry lives in Postgres.
 */

export const SYNC_QUEUE = 'sync';

/** BullMQ's key prefix inside the deployment's prefix. */
export function bullPrefix(prefix: string): string {
  return `${prefix}:q`;
}

export function reconcileLockKey(prefix: string): string {
  return `${prefix}:lock:reconcile`;
}

export function kpiLeaseKey(prefix: string, kpiId: string): string {
  return `${prefix}:lease:kpi:${kpiId}`;
}

export function connectionLeaseKey(prefix: string, connectionId: string): string {
  return `${prefix}:lease:conn:${connectionId}`;
}

export function connectionRateKey(prefix: string, connectionId: string): string {
  return `${prefix}:rate:conn:${connectionId}`;
}

/** Outbox delivery passes: one at a time across every worker (global concurrency 1). */
export const DISPATCH_QUEUE = 'dispatch';
/** no_data checks: one at a time across every worker. */
export const STALENESS_QUEUE = 'staleness';
/** Retention passes (settings.retention): one at a time across every worker. */
export const RETENTION_QUEUE = 'retention';
