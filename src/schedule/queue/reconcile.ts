import type { Redis } from 'ioredis';
import type { Catalog } from '../../config/catalog.ts';
import { ConfigError } from '../../sdk/errors.ts';
import { scheduleOf } from '../embedded.scheduler.ts';
import type { JobsOptions, Queue } from './bullmq.ts';
import { reconcileLockKey } from './queue-names.ts';
import { withRedisLock } from './redis-lock.ts';
import { kpiOfSchedulerId, schedulerIdOf, SYNC_JOB_NAME, type SyncJobData } from './sync-job.ts';

export interface ReconcileResult {
  /** KPI ids that got a job scheduler. */
  added: string[];
  /** KPI ids whose cron, time zone or job options changed. */
  changed: string[];
  /** KPI ids whose scheduler was removed (the KPI left the config, or became a formula). */
  removed: string[];
}

export interface ReconcileOptions {
  /** For the lock that keeps two scheduler replicas from reconciling at once. */
  redis: Redis;
  prefix: string;
  /** Job options every scheduled sync job carries (attempts, backoff, retention). */
  jobOptions: JobsOptions;
  /** Upserts and removals in flight at once. Default 64. */
  parallel?: number;
  signal?: AbortSignal;
}

interface Wanted {
  pattern: string;
  tz: string;
}

/**
 * Makes the sync queue's job schedulers match the catalog: one per source KPI
 * (scheduler id `kpi-<id>`, its cron and time zone), created, updated when its cron,
 * time zone or job options change, removed when the KPI is gone. Schedulers are
 * reconciled, never appended, so a reload leaves no orphans, and re-running it with
 * the same catalog changes nothing. Formula KPIs have no scheduler: they follow
 * their inputs. Only one replica reconciles at a time (a Redis lock); others wait.
 */
export async function reconcileSchedulers(queue: Queue<SyncJobData>, catalog: Catalog, options: ReconcileOptions): Promise<ReconcileResult> {
  const wanted = new Map<string, Wanted>();
  for (const kpi of catalog.kpis.values()) {
    if (!kpi.formula) wanted.set(kpi.id, { pattern: scheduleOf(kpi), tz: kpi.timezone });
  }
  const optionsPrint = fingerprint(options.jobOptions);
  return withRedisLock(
    options.redis,
    reconcileLockKey(options.prefix),
    async () => {
      const result: ReconcileResult = { added: [], changed: [], removed: [] };
      const existing = new Map<string, { pattern?: string | undefined; tz?: string | undefined; print: string; kpiId?: unknown }>();
      for (const scheduler of await queue.getJobSchedulers(0, -1, true)) {
        const kpiId = kpiOfSchedulerId(scheduler.key);
        if (kpiId === undefined) continue; // not ours: leave it alone
        existing.set(kpiId, {
          pattern: scheduler.pattern,
          tz: scheduler.tz,
          print: fingerprint(scheduler.template?.opts ?? {}),
          kpiId: (scheduler.template?.data as Partial<SyncJobData> | undefined)?.kpiId,
        });
      }
      const work: (() => Promise<unknown>)[] = [];
      for (const [kpiId, want] of wanted) {
        const have = existing.get(kpiId);
        if (have && have.pattern === want.pattern && have.tz === want.tz && have.print === optionsPrint && have.kpiId === kpiId) continue;
        (have ? result.changed : result.added).push(kpiId);
        work.push(() =>
          queue
            .upsertJobScheduler(
              schedulerIdOf(kpiId),
              { pattern: want.pattern, tz: want.tz },
              { name: SYNC_JOB_NAME, data: { kpiId }, opts: options.jobOptions },
            )
            .catch((error: unknown) => {
              // BullMQ parses cron with cron-parser; node-cron (which validated the config) is a little more lenient.
              const reason = error instanceof Error ? error.message : String(error);
              throw new ConfigError(`KPI ${kpiId}: BullMQ could not schedule "${want.pattern}" in ${want.tz}: ${reason}`, { cause: error });
            }),
        );
      }
      for (const kpiId of existing.keys()) {
        if (wanted.has(kpiId)) continue;
        result.removed.push(kpiId);
        // Also removes the iteration waiting in `delayed`, so a removed KPI never runs again.
        work.push(() => queue.removeJobScheduler(schedulerIdOf(kpiId)));
      }
      await inParallel(work, options.parallel ?? 64);
      return result;
    },
    { ttlMs: 30_000, ...(options.signal ? { signal: options.signal } : {}) },
  );
}

/** Only the options kpi-sync sets, keys sorted: BullMQ hands templates back with its own fields and key order. */
function fingerprint(opts: JobsOptions): string {
  const { attempts, backoff, removeOnComplete, removeOnFail } = opts;
  return JSON.stringify({ attempts, backoff, removeOnComplete, removeOnFail }, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) : value,
  );
}

async function inParallel(tasks: (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
}
