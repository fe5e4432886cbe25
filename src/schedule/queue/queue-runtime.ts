import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Catalog } from '../../config/catalog.ts';
import type { SyncEnvironment } from '../../sync/run-sync.ts';
import { MaintenanceWorkers, type MaintenancePasses } from './maintenance.ts';
import { QueueScheduler, type ApplyResult } from './queue-scheduler.ts';
import type { QueueSettings } from './queue-settings.ts';
import { QueueWorker, type QueueWorkerOptions } from './queue-worker.ts';

/** `all`: scheduler and worker in one process (`kpi-sync start`); the others split them. */
export type QueueRole = 'all' | 'scheduler' | 'worker';

export const QUEUE_ROLES: readonly QueueRole[] = ['all', 'scheduler', 'worker'];

export interface QueueRuntimeOptions {
  role: QueueRole;
  redis: Redis;
  settings: QueueSettings;
  logger: Logger;
  env: SyncEnvironment;
  passes: MaintenancePasses;
  onSynced?: QueueWorkerOptions['onSynced'];
  /** Aborts a start that is still waiting (for the reconcile lock). */
  signal?: AbortSignal;
}

/** What one queue-mode process runs, by role. */
export class QueueRuntime {
  readonly scheduler: QueueScheduler | undefined;
  readonly worker: QueueWorker | undefined;
  readonly #maintenance: MaintenanceWorkers | undefined;

  private constructor(options: QueueRuntimeOptions) {
    const { role, redis, settings, logger, env, passes } = options;
    if (role !== 'worker') this.scheduler = new QueueScheduler(redis, settings, logger.child({ component: 'scheduler' }));
    if (role !== 'scheduler') {
      this.worker = new QueueWorker({ redis, settings, env, logger, ...(options.onSynced ? { onSynced: options.onSynced } : {}) });
      this.#maintenance = new MaintenanceWorkers(redis, settings, logger.child({ component: 'maintenance' }), passes);
    }
  }

  /** Starts the role's parts; for a scheduler, resolves with what the first reconciliation changed. */
  static async start(options: QueueRuntimeOptions, catalog: Catalog): Promise<{ runtime: QueueRuntime; applied?: ApplyResult }> {
    const runtime = new QueueRuntime(options);
    try {
      const signal = options.signal ? { signal: options.signal } : {};
      const applied = await runtime.scheduler?.start(catalog, { firstRuns: catalog.settings.runOnStart, ...signal });
      await runtime.worker?.ready();
      await runtime.#maintenance?.ready();
      return { runtime, ...(applied ? { applied } : {}) };
    } catch (error) {
      await runtime.stop(0);
      throw error;
    }
  }

  /**
   * A new catalog is in force (the caller already swapped it into the sync
   * environment, which workers read per job). A scheduler reconciles, and new or
   * re-scheduled KPIs sync now, as in embedded mode.
   */
  async reload(catalog: Catalog): Promise<ApplyResult | undefined> {
    return this.scheduler?.apply(catalog, { firstRuns: true });
  }

  /** Stops taking work; in-flight syncs get `timeoutMs`. Resolves to whether they all finished. */
  async stop(timeoutMs: number): Promise<boolean> {
    const [finished] = await Promise.all([this.worker?.stop(timeoutMs) ?? true, this.#maintenance?.stop(), this.scheduler?.close()]);
    return finished;
  }
}
