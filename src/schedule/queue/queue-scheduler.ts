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
import { periodic, type Periodic } from '../periodic.ts';

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
  #healing: Periodic | undefined;
  #onReady: (() => void) | undefined;

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

  /**
   * Keeps the schedulers in step with the catalog in force without a reload: again on
   * every Redis (re)connect and every `everyMs`, so a Redis that restarted empty gets
   * its schedulers back within that period. Reconciling an unchanged catalog writes
   * nothing.
   */
  startHealing(getCatalog: () => Catalog, everyMs: number, logger: Logger): void {
    const heal = async (why: string) => {
      const result = await this.apply(getCatalog(), { firstRuns: false });
      if (result.added.length + result.changed.length + result.removed.length > 0) {
        logger.warn({ why, added: result.added.length, changed: result.changed.length, removed: result.removed.length }, 'job schedulers repaired');
      }
      await scheduleMaintenance(this.#redis, this.#settings);
    };
    this.#healing = periodic(() => heal('periodic check'), {
      everyMs,
      onError: (err) => logger.warn({ error: String(err) }, 'scheduler check failed; the next one tries again'),
    });
    let connectedOnce = this.#redis.status === 'ready';
    this.#onReady = () => {
      if (!connectedOnce) {
        connectedOnce = true;
        return;
      }
      heal('redis reconnected').catch((err: unknown) =>
        logger.warn({ error: String(err) }, 'scheduler check after reconnect failed; the periodic one tries again'),
      );
    };
    this.#redis.on('ready', this.#onReady);
  }

  /** How many source KPIs of `catalog` have no job scheduler in Redis (0 when all are there). */
  async missingSchedulers(catalog: Catalog): Promise<number> {
    const wanted = [...catalog.kpis.values()].filter((kpi) => !kpi.formula).length;
    return Math.max(0, wanted - (await this.#queue.getJobSchedulersCount()));
  }

  async close(): Promise<void> {
    if (this.#onReady) this.#redis.off('ready', this.#onReady);
    await this.#healing?.stop();
    await this.#queue.close();
  }
}
