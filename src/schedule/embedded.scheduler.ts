import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Catalog } from '../config/catalog.ts';
import { defaultSchedule } from '../domain/periods.ts';
import { AbortedError } from '../sdk/errors.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { sharedReadsOf } from './shared-reads.ts';

export interface EmbeddedSchedulerOptions {
  logger: Logger;
  concurrency: number;
  /** Runs one KPI's sync. Errors are logged, never thrown into the scheduler. */
  runKpi(kpiId: string, signal: AbortSignal): Promise<void>;
  /** A KPI came due while its sync still ran (it runs once more afterwards, never twice at once). */
  onBusy?(kpiId: string): void;
}

/** When a KPI runs: its cron expression, read in its time zone. */
interface Planned {
  expression: string;
  timezone: string;
}

/** One cron task per distinct schedule: the KPIs on it are asked for in one tick, together. */
interface Tick {
  task: ScheduledTask;
  kpis: Set<string>;
}

/** The cron expression a KPI runs on: its own, or the default for its interval. */
export function scheduleOf(kpi: { schedule?: string | undefined; interval: Parameters<typeof defaultSchedule>[0] }): string {
  return kpi.schedule ?? defaultSchedule(kpi.interval);
}

/**
 * Embedded mode's scheduler: one node-cron task per distinct schedule, whose tick asks
 * for all of its KPIs at once; a bounded queue that never runs one KPI twice at once
 * and starts KPIs that share a read (the connector's shareKey) together, as one place
 * of its concurrency; formula KPIs queued after their inputs finish. `apply`
 * reconciles the tasks with a (re)loaded catalog.
 */
export class EmbeddedScheduler {
  private catalog: Catalog | undefined;
  private readonly planned = new Map<string, Planned>();
  private readonly ticks = new Map<string, Tick>();
  private readonly queue: KeyedQueue;
  private readonly abort = new AbortController();
  /** input KPI → formula KPIs that read it */
  private dependents = new Map<string, string[]>();
  /** KPI → the read it shares with others (absent: it reads alone). */
  private shared = new Map<string, string>();

  constructor(options: EmbeddedSchedulerOptions) {
    this.queue = new KeyedQueue({
      limit: options.concurrency,
      work: (kpiId) => options.runKpi(kpiId, this.abort.signal),
      onError: (kpiId, error) => options.logger.error({ kpi: kpiId, err: error }, 'sync crashed'),
      onSettled: (kpiId) => this.queueDependents(kpiId),
      onBusy: (kpiId) => options.onBusy?.(kpiId),
      groupOf: (kpiId) => this.shared.get(kpiId) ?? kpiId,
    });
  }

  /** Starts, updates or removes cron tasks so they match the catalog. */
  apply(catalog: Catalog): { added: string[]; changed: string[]; removed: string[] } {
    this.catalog = catalog;
    const added: string[] = [];
    const changed: string[] = [];
    const removed: string[] = [];
    const wanted = new Map<string, Planned>();
    for (const kpi of catalog.kpis.values()) {
      if (kpi.formula) continue; // formulas follow their inputs, not the clock
      wanted.set(kpi.id, { expression: scheduleOf(kpi), timezone: kpi.timezone });
    }
    for (const [id, planned] of this.planned) {
      const want = wanted.get(id);
      if (!want) removed.push(id);
      else if (want.expression !== planned.expression || want.timezone !== planned.timezone) changed.push(id);
    }
    for (const id of wanted.keys()) if (!this.planned.has(id)) added.push(id);
    this.planned.clear();
    for (const [id, want] of wanted) this.planned.set(id, want);
    this.applyTicks(wanted);
    this.dependents = dependentsOf(catalog);
    this.shared = sharedReadsOf(catalog);
    return { added, changed, removed };
  }

  /** Queues every source KPI now; formulas follow as their inputs finish. */
  runAll(): void {
    this.requestAll([...(this.catalog?.kpis.values() ?? [])].filter((kpi) => !kpi.formula).map((kpi) => kpi.id));
  }

  trigger(kpiId: string): void {
    this.queue.request(kpiId);
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  nextRuns(): { kpi: string; next: Date | null }[] {
    return [...this.planned].map(([kpi, p]) => ({ kpi, next: this.ticks.get(tickKey(p))?.task.getNextRun() ?? null }));
  }

  /**
   * Stops ticking, lets in-flight syncs run until the deadline, then aborts them and
   * gives them `settleMs` to record themselves as aborted.
   */
  async stop(deadlineMs: number, settleMs: number): Promise<{ finished: boolean; aborted: string[] }> {
    for (const tick of this.ticks.values()) await tick.task.destroy();
    this.ticks.clear();
    this.planned.clear();
    const finished = await this.queue.close(deadlineMs);
    if (finished) return { finished, aborted: [] };
    const aborted = this.queue.runningKeys();
    this.abort.abort(new AbortedError(`shutdown: the ${deadlineMs} ms deadline passed`));
    await this.queue.close(settleMs);
    return { finished, aborted };
  }

  /** One cron task per wanted schedule: kept where the schedule stays, created and destroyed where it comes and goes. */
  private applyTicks(wanted: Map<string, Planned>): void {
    const members = new Map<string, { planned: Planned; kpis: Set<string> }>();
    for (const [id, planned] of wanted) {
      const key = tickKey(planned);
      const entry = members.get(key) ?? { planned, kpis: new Set<string>() };
      entry.kpis.add(id);
      members.set(key, entry);
    }
    for (const [key, tick] of this.ticks) {
      if (members.has(key)) continue;
      void tick.task.destroy();
      this.ticks.delete(key);
    }
    for (const [key, { planned, kpis }] of members) {
      const tick = this.ticks.get(key);
      if (tick) {
        tick.kpis = kpis;
        continue;
      }
      const created: Tick = {
        kpis,
        // Read at fire time: a reload may have changed who is on this schedule.
        task: cron.schedule(planned.expression, () => this.requestAll(created.kpis), { name: `tick:${key}`, timezone: planned.timezone, noOverlap: true }),
      };
      this.ticks.set(key, created);
    }
  }

  /** Asks for KPIs in one go, so those sharing a read are waiting together when the queue starts them. */
  private requestAll(kpis: Iterable<string>): void {
    this.queue.request(...kpis);
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

function tickKey(planned: Planned): string {
  return `${planned.expression} ${planned.timezone}`;
}

/** input KPI → the formula KPIs that read it. */
function dependentsOf(catalog: Catalog): Map<string, string[]> {
  const dependents = new Map<string, string[]>();
  for (const kpi of catalog.kpis.values()) {
    for (const input of kpi.inputs ?? []) {
      const list = dependents.get(input) ?? [];
      list.push(kpi.id);
      dependents.set(input, list);
    }
  }
  return dependents;
}
