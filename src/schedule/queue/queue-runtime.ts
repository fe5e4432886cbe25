import type { Redis } from 'ioredis';
import type { Catalog } from '../../config/catalog.ts';
import { applyRetention } from '../../sync/retention.ts';
import { checkStaleness } from '../../sync/staleness.ts';
import { ABORT_SETTLE_MS, type Runtime, type RuntimeEvents, type RuntimeHost, type ScheduleDiff, type StopOutcome } from '../runtime.ts';
import { assertSchedulable } from '../schedule-issues.ts';
import { MaintenanceWorkers } from './maintenance.ts';
import { QueueScheduler } from './queue-scheduler.ts';
import type { QueueSettings } from './queue-settings.ts';
import { QueueWorker } from './queue-worker.ts';

import type { QueueRole } from './queue-role.ts';

export { QUEUE_ROLES, type QueueRole } from './queue-role.ts';

export interface QueueRuntimeOptions {
  role: QueueRole;
  /** A ready connection, shared by the scheduler, the workers and the leases. */
  redis: Redis;
  settings: QueueSettings;
  host: RuntimeHost;
  events?: RuntimeEvents;
}

/**
 * Queue mode: BullMQ job schedulers (one per source KPI) kept in step with the config
 * by the scheduler role, sync jobs taken by worker processes on any machine, and the
 * delivery, staleness and retention passes run one at a time across the fleet.
 */
export class QueueRuntime implements Runtime {
  readonly mode = 'queue' as const;
  readonly scheduler: QueueScheduler | undefined;
  readonly worker: QueueWorker | undefined;
  readonly #maintenance: MaintenanceWorkers | undefined;
  readonly #options: QueueRuntimeOptions;
  #stopped = false;

  constructor(options: QueueRuntimeOptions) {
    this.#options = options;
    const { role, redis, settings, host, events } = options;
    const logger = host.logger;
    if (role !== 'worker') this.scheduler = new QueueScheduler(redis, settings, logger.child({ component: 'scheduler' }));
    if (role !== 'scheduler') {
      this.worker = new QueueWorker({ redis, settings, env: host.env, logger, ...(events ? { events } : {}) });
      this.#maintenance = new MaintenanceWorkers(redis, settings, logger.child({ component: 'maintenance' }), {
        dispatch: () => host.dispatcher.pass(),
        staleness: () => checkStaleness(host.catalog, host.store, host.logger, host.env.now()),
        retention: () => applyRetention(host.catalog.settings.retention, host.store, host.logger, host.env.now()),
      });
    }
  }

  async start(catalog: Catalog): Promise<ScheduleDiff & { queued?: number }> {
    assertSchedulable(catalog);
    const applied = await this.scheduler?.start(catalog, { firstRuns: catalog.settings.runOnStart });
    this.scheduler?.startHealing(
      () => this.#options.host.catalog,
      this.#options.settings.healEveryMs,
      this.#options.host.logger.child({ component: 'scheduler' }),
    );
    await this.worker?.ready();
    await this.#maintenance?.ready();
    return applied ?? { added: [], changed: [], removed: [] };
  }

  /** A scheduler reconciles, and new or re-scheduled KPIs sync now, as in embedded mode; workers read the new catalog per job. */
  async reload(catalog: Catalog): Promise<ScheduleDiff & { queued?: number }> {
    if (this.#stopped) throw new Error('the runtime is stopped');
    assertSchedulable(catalog);
    return (await this.scheduler?.apply(catalog, { firstRuns: true })) ?? { added: [], changed: [], removed: [] };
  }

  async stop(deadlineMs: number): Promise<StopOutcome> {
    this.#stopped = true;
    const [outcome] = await Promise.all([
      this.worker?.stop(deadlineMs, ABORT_SETTLE_MS) ?? { finished: true, aborted: [] },
      this.#maintenance?.stop(deadlineMs + ABORT_SETTLE_MS),
      this.scheduler?.close(),
    ]);
    return outcome;
  }

  /** What /readyz checks beyond Redis: every job scheduler present (a scheduler role only). */
  schedulersCheck(): (() => Promise<void>) | undefined {
    const scheduler = this.scheduler;
    if (!scheduler) return undefined;
    return async () => {
      const missing = await scheduler.missingSchedulers(this.#options.host.catalog);
      if (missing > 0) {
        const every = Math.round(this.#options.settings.healEveryMs / 1000);
        throw new Error(`${missing} job scheduler(s) missing from Redis; repairing (checked every ${every} s and on reconnect)`);
      }
    };
  }
}
