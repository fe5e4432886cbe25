import type { Catalog } from '../config/catalog.ts';
import { runSync } from '../sync/run-sync.ts';
import { applyRetention } from '../sync/retention.ts';
import { checkStaleness } from '../sync/staleness.ts';
import { EmbeddedScheduler } from './embedded.scheduler.ts';
import { periodic, type Periodic } from './periodic.ts';
import { ABORT_SETTLE_MS, type Runtime, type RuntimeEvents, type RuntimeHost, type ScheduleDiff, type StopOutcome } from './runtime.ts';
import { assertSchedulable } from './schedule-issues.ts';

/** How often the background passes run (tests shorten them). */
export interface PassTimings {
  dispatchMs: number;
  stalenessMs: number;
  retentionMs: number;
  /** The first retention pass, off the first syncs' heels. */
  retentionFirstMs: number;
}

export const DEFAULT_PASS_TIMINGS: PassTimings = { dispatchMs: 1_000, stalenessMs: 60_000, retentionMs: 3_600_000, retentionFirstMs: 3_000 };

export interface EmbeddedRuntimeOptions {
  host: RuntimeHost;
  /** Syncs at once (settings.concurrency). */
  concurrency: number;
  /** Sync every KPI once at start (settings.runOnStart). */
  runOnStart: boolean;
  events?: RuntimeEvents;
  timings?: Partial<PassTimings>;
}

/**
 * Embedded mode: node-cron in this process, a bounded queue that never runs one KPI
 * twice at once, formula KPIs after their inputs, and the outbox, staleness and
 * retention passes on their own timers (a slow receiver never holds up a sync).
 */
export class EmbeddedRuntime implements Runtime {
  readonly mode = 'embedded' as const;
  readonly #options: EmbeddedRuntimeOptions;
  readonly #scheduler: EmbeddedScheduler;
  readonly #passes: Periodic[] = [];
  #stopped = false;

  constructor(options: EmbeddedRuntimeOptions) {
    this.#options = options;
    const { host, events } = options;
    this.#scheduler = new EmbeddedScheduler({
      logger: host.logger,
      concurrency: options.concurrency,
      runKpi: async (kpiId, signal) => {
        const result = await runSync({ kpi: kpiId, signal }, host.env);
        events?.synced?.(result);
      },
      ...(events?.busy ? { onBusy: (kpiId: string) => events.busy!(kpiId) } : {}),
    });
  }

  async start(catalog: Catalog): Promise<ScheduleDiff> {
    const { host, runOnStart } = this.#options;
    const timings = { ...DEFAULT_PASS_TIMINGS, ...this.#options.timings };
    const diff = this.#apply(catalog);
    if (runOnStart) this.#scheduler.runAll();
    host.dispatcher.start(timings.dispatchMs);
    this.#passes.push(
      periodic(() => checkStaleness(host.catalog, host.store, host.logger, host.env.now()), {
        everyMs: timings.stalenessMs,
        onError: (err) => host.logger.error({ err }, 'staleness check failed'),
      }),
      // A first pass over years of history may outlast the hour; periodic never stacks them.
      periodic(() => applyRetention(host.catalog.settings.retention, host.store, host.logger, host.env.now()), {
        everyMs: timings.retentionMs,
        firstMs: timings.retentionFirstMs,
        onError: (err) => host.logger.error({ err }, 'retention pass failed; the next one tries again'),
      }),
    );
    return diff;
  }

  async reload(catalog: Catalog): Promise<ScheduleDiff> {
    const diff = this.#apply(catalog);
    // New and re-scheduled KPIs sync now rather than at their next tick.
    for (const id of [...diff.added, ...diff.changed]) this.#scheduler.trigger(id);
    return diff;
  }

  async stop(deadlineMs: number): Promise<StopOutcome> {
    this.#stopped = true;
    const started = Date.now();
    // Delivery stops taking entries at once; an attempt in flight is aborted and stays due.
    const delivery = this.#options.host.dispatcher.stop();
    const outcome = await this.#scheduler.stop(deadlineMs, ABORT_SETTLE_MS);
    const left = Math.max(0, deadlineMs - (Date.now() - started));
    // A staleness or retention pass in progress finishes (or the deadline passes) before the store closes.
    await settleWithin(Promise.all([delivery, ...this.#passes.map((p) => p.stop())]), left + ABORT_SETTLE_MS);
    return outcome;
  }

  /** Checks every cron before touching the running schedules, so a bad one changes nothing. */
  #apply(catalog: Catalog): ScheduleDiff {
    if (this.#stopped) throw new Error('the runtime is stopped');
    assertSchedulable(catalog);
    return this.#scheduler.apply(catalog);
  }
}

async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
