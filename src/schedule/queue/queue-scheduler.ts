import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Catalog } from '../../config/catalog.ts';
import { openQueue, type Queue } from './bullmq.ts';
import { scheduleMaintenance } from './maintenance.ts';
import { bullPrefix, SYNC_QUEUE } from './queue-names.ts';
import type { QueueSettings } from './queue-settings.ts';
import { reconcileSchedulers, type ReconcileResult } from './reconcile.ts';
import { syncJobOptions } from './retry-policy.ts';
import { SYNC_JOB_NAME, syncJobId, type SyncJobData } from './sync-job.ts';
import { throttledErrorLog } from './throttled-log.ts';

const ADD_BATCH = 1_000;

export interface ApplyResult extends ReconcileResult {
  /** First runs queued for new and re-scheduled KPIs. */
  queued: number;
}

/**
 * The scheduler role: keeps one BullMQ job scheduler per source KPI in step with
 * the config, and the delivery and staleness passes scheduled. It runs no syncs.
 * Any number of replicas may run; reconciliation is serialised by a Redis lock and
 * BullMQ's schedulers live in Redis, so replicas never double a run.
 */
export class QueueScheduler {
  readonly #redis: Redis;
  readonly #settings: QueueSettings;
  readonly #queue: Queue<SyncJobData>;

  constructor(redis: Redis, settings: QueueSettings, logger: Logger) {
    this.#redis = redis;
    this.#settings = settings;
    this.#queue = openQueue<SyncJobData>(SYNC_QUEUE, redis, bullPrefix(settings.prefix), syncJobOptions(settings));
    this.#queue.on('error', throttledErrorLog(logger, 'scheduler: redis error (BullMQ keeps retrying)'));
  }

  get queue(): Queue<SyncJobData> {
    return this.#queue;
  }

  /** Reconciles, then schedules the maintenance passes. */
  async start(catalog: Catalog, options: { firstRuns: boolean; signal?: AbortSignal }): Promise<ApplyResult> {
    const result = await this.apply(catalog, options);
    await scheduleMaintenance(this.#redis, this.#settings);
    return result;
  }

  /**
   * Makes the schedulers match `catalog`. With `firstRuns`, KPIs that just got a
   * scheduler (or a new cron) also sync now rather than at their next tick; the
   * replica that made the change is the one that queues them, so replicas starting
   * together do not each queue a round.
   */
  async apply(catalog: Catalog, options: { firstRuns: boolean; signal?: AbortSignal }): Promise<ApplyResult> {
    const result = await reconcileSchedulers(this.#queue, catalog, {
      redis: this.#redis,
      prefix: this.#settings.prefix,
      jobOptions: syncJobOptions(this.#settings),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let queued = 0;
    if (options.firstRuns) {
      const now = Date.now();
      const ids = [...result.added, ...result.changed];
      for (let i = 0; i < ids.length; i += ADD_BATCH) {
        const batch = ids.slice(i, i + ADD_BATCH).map((kpiId) => ({
          name: SYNC_JOB_NAME,
          data: { kpiId, scheduledFor: now, reason: 'new-schedule' as const },
          opts: { jobId: syncJobId(kpiId, now) },
        }));
        queued += (await this.#queue.addBulk(batch)).length;
      }
    }
    return { ...result, queued };
  }

  async close(): Promise<void> {
    await this.#queue.close();
  }
}
