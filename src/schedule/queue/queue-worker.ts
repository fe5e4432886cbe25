import os from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { toKsError } from '../../sdk/errors.ts';
import { runSync, type SyncEnvironment, type SyncResult } from '../../sync/run-sync.ts';
import { DelayedError, openQueue, UnrecoverableError, WaitingError, Worker, type Job } from './bullmq.ts';
import { FormulaFollowUps } from './formula-follow-ups.ts';
import { bullPrefix, SYNC_QUEUE } from './queue-names.ts';
import type { QueueSettings } from './queue-settings.ts';
import { RetryableSyncError, retryDecision, syncBackoff, syncJobOptions } from './retry-policy.ts';
import { SyncLeases, type LeaseOutcome } from './sync-leases.ts';
import { scheduledForOf, type SyncJobData } from './sync-job.ts';
import { throttledErrorLog } from './throttled-log.ts';
import type { RuntimeEvents, StopOutcome } from '../runtime.ts';

/** What a finished sync job leaves in Redis (kept small: BullMQ stores it with the job). */
export interface SyncJobResult {
  run: string;
  status: string;
  datapoints: number;
  health?: string;
}

export interface QueueWorkerOptions {
  /** Shared with the store; BullMQ duplicates it for its blocking reads. */
  redis: Redis;
  settings: QueueSettings;
  /** The process's sync environment; its catalog is read per job, so a reload applies to the next job. */
  env: SyncEnvironment;
  logger: Logger;
  /** Told about every sync that ran, and every job postponed because its KPI was busy. */
  events?: RuntimeEvents;
}

/** First wait when a KPI or connection is busy; grows with each time the job found it busy. */
const BUSY_BASE_MS = 500;

/**
 * A sync worker: takes sync jobs from the queue, `settings.concurrency` at a time,
 * and runs exactly runSync for each. Around it: per-KPI and per-connection leases
 * (a busy KPI or connection puts the job back as delayed, not failed), retries with
 * backoff for retryable failures only (everything else is UnrecoverableError, so no
 * attempt is wasted), formula KPIs queued once their inputs are done, and a
 * graceful stop that lets in-flight syncs finish.
 */
export class QueueWorker {
  readonly worker: Worker<SyncJobData, SyncJobResult>;
  readonly #options: QueueWorkerOptions;
  readonly #leases: SyncLeases;
  readonly #followUps: FormulaFollowUps;
  /** KPIs syncing in this process now. */
  readonly #active = new Set<string>();

  constructor(options: QueueWorkerOptions) {
    this.#options = options;
    const { redis, settings, logger } = options;
    this.#leases = new SyncLeases(redis, settings.prefix, settings.lockDurationMs);
    const queue = openQueue<SyncJobData>(SYNC_QUEUE, redis, bullPrefix(settings.prefix), syncJobOptions(settings));
    this.#followUps = new FormulaFollowUps(queue, logger);
    // Three declared parameters: BullMQ only hands a processor an abort signal when it takes one.
    const processor = (job: Job<SyncJobData, SyncJobResult>, token: string | undefined, signal: AbortSignal | undefined) =>
      this.#process(job, token, signal ?? new AbortController().signal);
    this.worker = new Worker<SyncJobData, SyncJobResult>(SYNC_QUEUE, processor, {
      connection: redis,
      prefix: bullPrefix(settings.prefix),
      concurrency: settings.concurrency,
      lockDuration: settings.lockDurationMs,
      stalledInterval: settings.stalledIntervalMs,
      maxStalledCount: settings.maxStalledCount,
      name: `${os.hostname()}:${process.pid}`,
      settings: { backoffStrategy: syncBackoff(settings.backoffMs) },
    });
    const onError = throttledErrorLog(logger, 'sync worker: redis error (BullMQ keeps retrying)');
    this.worker.on('error', onError);
    queue.on('error', onError);
    this.worker.on('stalled', (jobId) => logger.warn({ jobId }, 'sync job stalled (its worker stopped renewing the lock); it runs again'));
    this.worker.on('failed', (job, err) => {
      if (!job) return;
      const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
      const fields = { kpi: job.data.kpiId, jobId: job.id, attempt: job.attemptsMade, error: err.message };
      if (final) logger.error(fields, 'sync job failed; the next scheduled run tries again');
      else logger.warn(fields, 'sync job failed; retrying with backoff');
    });
    this.worker.on('completed', (job) => {
      this.#followUps.afterSync(options.env.catalog, job.data.kpiId, scheduledForOf(job)).catch(onError);
    });
  }

  /** Resolves once the worker's connections are up and it is taking jobs. */
  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  /**
   * Stops taking jobs and lets in-flight syncs run until the deadline; then aborts
   * them (each records itself as aborted, KS_ERR_ABORTED) and they go back to the
   * queue for another worker. A connector that ignores its abort signal cannot hold
   * the exit: after `settleMs` we stop waiting, its job's lock lapses and another
   * worker's stalled check picks it up.
   */
  async stop(deadlineMs: number, settleMs: number): Promise<StopOutcome> {
    const closing = this.worker.close();
    const finished = await settledWithin(closing, deadlineMs);
    const aborted = finished ? [] : [...this.#active];
    if (!finished) {
      this.worker.cancelAllJobs(`shutdown: the ${deadlineMs} ms deadline passed`);
      await settledWithin(closing, settleMs);
    }
    await settledWithin(this.#followUps.close(), settleMs);
    return { finished, aborted };
  }

  /**
   * A job BullMQ moved back after its worker stalled (killed, out of memory) leaves no
   * run record of that attempt, since runs are written only when they finish: record
   * it here, once per stall (the id is deterministic), so the history shows the crash.
   */
  async #recordInterruption(job: StalledJob, kpiId: string): Promise<void> {
    if (!job.stalledCounter) return;
    const { env } = this.#options;
    const kpi = env.catalog.kpis.get(kpiId);
    const at = env.now().toISOString();
    await env.store
      .saveRun({
        id: `interrupted-${job.id}-${job.stalledCounter}`,
        kpi: kpiId,
        source: kpi?.source?.connection ?? 'formula',
        mode: 'current',
        status: 'failed',
        startedAt: new Date(job.timestamp).toISOString(),
        finishedAt: at,
        error: { code: 'KS_ERR_INTERRUPTED', message: 'the worker running this sync stopped mid-sync (killed or crashed); another worker took the job over' },
      })
      .catch((err: unknown) => this.#options.logger.warn({ kpi: kpiId, error: String(err) }, 'could not record the interrupted attempt'));
  }

  async #process(job: Job<SyncJobData, SyncJobResult>, token: string | undefined, signal: AbortSignal): Promise<SyncJobResult> {
    const { env, settings, logger } = this.#options;
    const { kpiId } = job.data;
    const kpi = env.catalog.kpis.get(kpiId);
    if (!kpi) {
      throw new UnrecoverableError(
        `KS_ERR_CONFIG: KPI "${kpiId}" is not in this worker's config (removed, or this worker still runs an older config: send it SIGHUP)`,
      );
    }
    const connectionId = kpi.source?.connection;
    const acquired = await this.#leases.acquire(job.id!, kpiId, connectionId, connectionId ? settings.limitsFor(connectionId) : {});
    if ('busy' in acquired) {
      const delay = busyDelay(acquired, job.attemptsStarted);
      logger.debug({ kpi: kpiId, jobId: job.id, busy: acquired.busy, retryInMs: delay }, 'sync postponed: its KPI or connection is busy');
      if (acquired.busy === 'kpi') this.#options.events?.busy?.(kpiId);
      await job.moveToDelayed(Date.now() + delay, token);
      throw new DelayedError();
    }
    const { lease } = acquired;
    await this.#recordInterruption(job, kpiId);
    const renewal = setInterval(
      () => {
        this.#leases.renew(lease).catch(() => undefined);
      },
      Math.max(50, Math.floor(this.#leases.ttlMs / 3)),
    );
    let result: SyncResult;
    this.#active.add(kpiId);
    try {
      result = await runSync({ kpi: kpiId, signal }, env);
    } catch (error) {
      // runSync only throws when it cannot even record the run (the store is away).
      const ks = toKsError(error);
      if (ks.retryable) throw new RetryableSyncError(ks.code, ks.message);
      throw new UnrecoverableError(`${ks.code}: ${ks.message}`);
    } finally {
      this.#active.delete(kpiId);
      clearInterval(renewal);
      await this.#leases.release(lease).catch(() => undefined);
    }
    if (signal.aborted && result.run.status !== 'ok') {
      // Cut short by a shutdown: the attempt does not count; another worker takes the job.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    this.#options.events?.synced?.(result);
    if (result.run.status === 'failed') {
      const { code, message } = result.run.error ?? { code: 'KS_ERR_INTERNAL', message: 'sync failed' };
      const decision = retryDecision(result.run, result.error);
      if (decision.retryable) throw new RetryableSyncError(code, message, decision.retryAfterMs);
      throw new UnrecoverableError(`${code}: ${message}`);
    }
    return {
      run: result.run.id,
      status: result.run.status,
      datapoints: result.datapoints.length,
      ...(result.health ? { health: result.health.state } : {}),
    };
  }
}

/** Job fields BullMQ keeps for a job whose worker stopped renewing its lock. */
type StalledJob = Pick<Job<SyncJobData, SyncJobResult>, 'id' | 'stalledCounter' | 'timestamp'>;

/** Rate windows end at a known time; a busy slot frees at an unknown one, so poll with growing, jittered waits. */
function busyDelay(outcome: Extract<LeaseOutcome, { busy: unknown }>, timesStarted: number): number {
  if (outcome.busy === 'rate') return outcome.retryInMs + Math.floor(Math.random() * 250);
  const grown = BUSY_BASE_MS * 1.5 ** Math.min(Math.max(0, timesStarted - 1), 12);
  const wait = Math.min(outcome.retryInMs, grown);
  return Math.max(10, Math.floor(wait * (0.5 + Math.random())));
}

async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
