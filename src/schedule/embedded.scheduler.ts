import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Catalog } from '../config/catalog.ts';
import { defaultSchedule } from '../domain/periods.ts';
import { AbortedError } from '../sdk/errors.ts';
import { KeyedQueue } from './keyed-queue.ts';

export interface EmbeddedSchedulerOptions {
  logger: Logger;
  concurrency: number;
  /** Runs one KPI's sync. Errors are logged, never thrown into the scheduler. */
  runKpi(kpiId: string, signal: AbortSignal): Promise<void>;
  /** A KPI came due while its sync still ran (it runs once more afterwards, never twice at once). */
  onBusy?(kpiId: string): void;
}

interface Planned {
  expression: string;
  timezone: string;
  task: ScheduledTask;
}

/** The cron expression a KPI runs on: its own, or the default for its interval. */
export function scheduleOf(kpi: { schedule?: string | undefined; interval: Parameters<typeof defaultSchedule>[0] }): string {
  return kpi.schedule ?? defaultSchedule(kpi.interval);
}

/**
 * Embedded mode's scheduler: one node-cron task per source KPI, a bounded queue
 * that never runs one KPI twice at once, and formula KPIs queued after their
 * inputs finish. `apply` reconciles the tasks with a (re)loaded catalog.
 */
export class EmbeddedScheduler {
  private catalog: Catalog | undefined;
  private readonly planned = new Map<string, Planned>();
  private readonly queue: KeyedQueue;
  private readonly abort = new AbortController();
  /** input KPI → formula KPIs that read it */
  private dependents = new Map<string, string[]>();

  constructor(options: EmbeddedSchedulerOptions) {
    this.queue = new KeyedQueue(
      options.concurrency,
      (kpiId) => options.runKpi(kpiId, this.abort.signal),
      (kpiId, error) => options.logger.error({ kpi: kpiId, err: error }, 'sync crashed'),
      (kpiId) => this.queueDependents(kpiId),
      (kpiId) => options.onBusy?.(kpiId),
    );
  }

  /** Starts, updates or removes cron tasks so they match the catalog. */
  apply(catalog: Catalog): { added: string[]; changed: string[]; removed: string[] } {
    this.catalog = catalog;
    const added: string[] = [];
    const changed: string[] = [];
    const removed: string[] = [];
    const replaced = new Set<string>();
    const wanted = new Map<string, { expression: string; timezone: string }>();
    for (const kpi of catalog.kpis.values()) {
      if (kpi.formula) continue; // formulas follow their inputs, not the clock
      wanted.set(kpi.id, { expression: scheduleOf(kpi), timezone: kpi.timezone });
    }
    for (const [id, planned] of this.planned) {
      const want = wanted.get(id);
      if (!want || want.expression !== planned.expression || want.timezone !== planned.timezone) {
        void planned.task.destroy();
        this.planned.delete(id);
        if (want) replaced.add(id);
        else removed.push(id);
      }
    }
    for (const [id, want] of wanted) {
      if (this.planned.has(id)) continue;
      const task = cron.schedule(want.expression, () => this.queue.request(id), {
        name: `kpi:${id}`,
        timezone: want.timezone,
        noOverlap: true,
      });
      (replaced.has(id) ? changed : added).push(id);
      this.planned.set(id, { ...want, task });
    }
    this.dependents = new Map();
    for (const kpi of catalog.kpis.values()) {
      for (const input of kpi.inputs ?? []) {
        const list = this.dependents.get(input) ?? [];
        list.push(kpi.id);
        this.dependents.set(input, list);
      }
    }
    return { added, changed, removed };
  }

  /** Queues every source KPI now; formulas follow as their inputs finish. */
  runAll(): void {
    for (const kpi of this.catalog?.kpis.values() ?? []) {
      if (!kpi.formula) this.queue.request(kpi.id);
    }
  }

  trigger(kpiId: string): void {
    this.queue.request(kpiId);
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  nextRuns(): { kpi: string; next: Date | null }[] {
    return [...this.planned].map(([kpi, p]) => ({ kpi, next: p.task.getNextRun() }));
  }

  /**
   * Stops ticking, lets in-flight syncs run until the deadline, then aborts them and
   * gives them `settleMs` to record themselves as aborted.
   */
  async stop(deadlineMs: number, settleMs: number): Promise<{ finished: boolean; aborted: string[] }> {
    for (const planned of this.planned.values()) await planned.task.destroy();
    this.planned.clear();
    const finished = await this.queue.close(deadlineMs);
    if (finished) return { finished, aborted: [] };
    const aborted = this.queue.runningKeys();
    this.abort.abort(new AbortedError(`shutdown: the ${deadlineMs} ms deadline passed`));
    await this.queue.close(settleMs);
    return { finished, aborted };
  }

  /** Called when a KPI has left the queue: formulas over it run once the last busy input is done. */
  private queueDependents(kpiId: string): void {
    for (const formula of this.dependents.get(kpiId) ?? []) {
      const inputs = this.catalog?.kpis.get(formula)?.inputs ?? [];
      // An input still busy will queue the formula when it settles; queueing twice is coalesced.
      if (inputs.some((input) => this.queue.isBusy(input))) continue;
      this.queue.request(formula);
    }
  }
}
