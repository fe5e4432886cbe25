import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { openQueue, Worker } from './bullmq.ts';
import { bullPrefix, DISPATCH_QUEUE, RETENTION_QUEUE, STALENESS_QUEUE } from './queue-names.ts';
import type { QueueSettings } from './queue-settings.ts';
import { throttledErrorLog } from './throttled-log.ts';

/** A pass is its own retry: the next one comes a few seconds later. */
const PASS_JOB_OPTIONS = { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 1_000 } };

/** The periodic passes a worker runs; exactly one of each runs at a time across the fleet. */
export interface MaintenancePasses {
  /** One outbox delivery pass (Dispatcher.tick). */
  dispatch(): Promise<unknown>;
  /** One no_data check over every KPI. */
  staleness(): Promise<unknown>;
  /** One retention pass: old runs and delivered outbox entries deleted, interrupted runs marked. */
  retention(): Promise<unknown>;
}

function passes(settings: QueueSettings): [name: keyof MaintenancePasses, queue: string, everyMs: number][] {
  return [
    ['dispatch', DISPATCH_QUEUE, settings.dispatchEveryMs],
    ['staleness', STALENESS_QUEUE, settings.stalenessEveryMs],
    ['retention', RETENTION_QUEUE, settings.retentionEveryMs],
  ];
}

/**
 * Scheduler side: one job scheduler per pass, on a queue of its own whose global
 * concurrency is 1. Two dispatchers must never deliver at once (both could read the
 * same due entry before either records its attempt), and any number of workers may
 * be running: BullMQ's global concurrency makes the pass single-flight in Redis.
 * https://docs.bullmq.io/guide/queues/global-concurrency
 */
export async function scheduleMaintenance(redis: Redis, settings: QueueSettings): Promise<void> {
  for (const [name, queueName, every] of passes(settings)) {
    const queue = openQueue(queueName, redis, bullPrefix(settings.prefix), PASS_JOB_OPTIONS);
    try {
      await queue.setGlobalConcurrency(1);
      const existing = await queue.getJobScheduler(name);
      if (existing?.every !== every) await queue.upsertJobScheduler(name, { every }, { name, opts: PASS_JOB_OPTIONS });
    } finally {
      await queue.close();
    }
  }
}

/** Worker side: runs the passes as their jobs come due. */
export class MaintenanceWorkers {
  readonly #workers: Worker[];

  constructor(redis: Redis, settings: QueueSettings, logger: Logger, run: MaintenancePasses) {
    this.#workers = passes(settings).map(([name, queueName]) => {
      const worker = new Worker(queueName, async () => run[name](), {
        connection: redis,
        prefix: bullPrefix(settings.prefix),
        concurrency: 1,
        lockDuration: settings.lockDurationMs,
        stalledInterval: settings.stalledIntervalMs,
        name: `${name}:${process.pid}`,
      });
      worker.on('error', throttledErrorLog(logger, `${name} worker: redis error (BullMQ keeps retrying)`));
      worker.on('failed', (_job, err) => logger.error({ error: err.message }, `${name} pass failed; the next one tries again`));
      return worker;
    });
  }

  async ready(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.waitUntilReady()));
  }

  /** Lets a pass in progress finish within `withinMs`, then stops waiting (its job lock lapses; the next pass redoes it). */
  async stop(withinMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const closing = Promise.all(this.#workers.map((w) => w.close()));
    await Promise.race([closing.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, withinMs)))]);
    clearTimeout(timer);
    if (timer !== undefined) for (const worker of this.#workers) worker.cancelAllJobs('shutdown');
  }
}
