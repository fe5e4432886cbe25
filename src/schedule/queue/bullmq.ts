/**
 * The only module outside tests that imports `bullmq` (STYLE.md §6): everything
 * else in queue mode imports BullMQ's classes from here, so a BullMQ upgrade or a
 * swap of the queue library touches one file, and the dependency-cruiser graph
 * shows exactly where the queue enters the project.
 */
import { DelayedError, Queue, UnrecoverableError, WaitingError, Worker, type Job, type JobsOptions, type JobSchedulerJson, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';

export { DelayedError, Queue, UnrecoverableError, WaitingError, Worker };
export type { Job, JobsOptions, JobSchedulerJson, Processor };

/**
 * A Queue on a caller-owned ioredis connection (BullMQ shares it and never closes
 * it), under `prefix`, so several kpi-sync deployments can share one Redis.
 */
export function openQueue<Data>(name: string, redis: Redis, prefix: string, defaultJobOptions: JobsOptions = {}): Queue<Data> {
  return new Queue<Data>(name, { connection: redis, prefix, defaultJobOptions });
}
