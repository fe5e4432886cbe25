/** What a sync job carries: the KPI, and (for jobs kpi-sync adds itself) the time it stands for. */
export interface SyncJobData {
  kpiId: string;
  /** Epoch ms. Absent on jobs a job scheduler made: their scheduled time is BullMQ's `prevMillis`. */
  scheduledFor?: number;
  /** Why the job exists, for logs: a new schedule's first run, a formula after its input, an operator. */
  reason?: 'new-schedule' | 'formula' | 'manual';
}

export const SYNC_JOB_NAME = 'sync';

const SCHEDULER_PREFIX = 'kpi-';

/** The job scheduler of a KPI. KPI ids are `[a-z][a-z0-9_-]*`, so the id round-trips. */
export function schedulerIdOf(kpiId: string): string {
  return `${SCHEDULER_PREFIX}${kpiId}`;
}

/** The KPI a scheduler id belongs to, or undefined for a scheduler kpi-sync did not make. */
export function kpiOfSchedulerId(schedulerId: string): string | undefined {
  return schedulerId.startsWith(SCHEDULER_PREFIX) ? schedulerId.slice(SCHEDULER_PREFIX.length) : undefined;
}

/**
 * The id of a job kpi-sync adds for a KPI and a scheduled time. Adding a job whose
 * id exists is a no-op in BullMQ, so enqueueing the same (KPI, time) twice, from two
 * replicas or two finished inputs of a formula, runs it once. BullMQ refuses `:` in
 * custom ids (it reserves them for its own), hence epoch milliseconds, not ISO text.
 */
export function syncJobId(kpiId: string, scheduledForMs: number): string {
  return `sync-${kpiId}-${Math.trunc(scheduledForMs)}`;
}

/**
 * The ids a KPI's job for a scheduled time can have: ours, and the one BullMQ gives
 * a job scheduler's iteration (`repeat:<scheduler id>:<ms>`, JobScheduler.getSchedulerNextJobId).
 */
export function jobIdsFor(kpiId: string, scheduledForMs: number): string[] {
  return [syncJobId(kpiId, scheduledForMs), `repeat:${schedulerIdOf(kpiId)}:${Math.trunc(scheduledForMs)}`];
}

/** The time a job stands for: ours in the data, a scheduler's in `prevMillis`, else when it was added. */
export function scheduledForOf(job: { data: SyncJobData; opts: { prevMillis?: number }; timestamp: number }): number {
  return job.data.scheduledFor ?? job.opts.prevMillis ?? job.timestamp;
}
