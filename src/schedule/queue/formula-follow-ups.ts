import type { Logger } from 'pino';
import type { Catalog } from '../../config/catalog.ts';
import type { Queue } from './bullmq.ts';
import { jobIdsFor, SYNC_JOB_NAME, syncJobId, type SyncJobData } from './sync-job.ts';

/** States in which an input's job has yet to write its value. */
const PENDING = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Formula KPIs have no schedule: they run after their inputs. When an input's job
 * has completed, each formula over it is queued for the same scheduled time, unless
 * another of its inputs still has a job pending for that time (that one queues it
 * when it completes). This runs after BullMQ marked the job completed, so of two
 * inputs finishing together on two workers at least the later one sees the other
 * done; if both do, the job id `sync-<formula>-<ms>` makes the second add a no-op.
 */
export class FormulaFollowUps {
  readonly #queue: Queue<SyncJobData>;
  readonly #logger: Logger;
  #dependents = new WeakMap<Catalog, Map<string, string[]>>();

  constructor(queue: Queue<SyncJobData>, logger: Logger) {
    this.#queue = queue;
    this.#logger = logger;
  }

  /** Queues the formulas over `kpiId` whose inputs are all done for `scheduledFor`; returns their ids. */
  async afterSync(catalog: Catalog, kpiId: string, scheduledFor: number): Promise<string[]> {
    const queued: string[] = [];
    for (const formula of this.#dependentsOf(catalog).get(kpiId) ?? []) {
      const others = (catalog.kpis.get(formula)?.inputs ?? []).filter((input) => input !== kpiId);
      const states = await Promise.all(others.flatMap((input) => jobIdsFor(input, scheduledFor).map((id) => this.#queue.getJobState(id))));
      if (states.some((state) => PENDING.has(state))) continue;
      await this.#queue.add(SYNC_JOB_NAME, { kpiId: formula, scheduledFor, reason: 'formula' }, { jobId: syncJobId(formula, scheduledFor) });
      this.#logger.debug({ kpi: formula, after: kpiId, scheduledFor }, 'formula queued after its inputs');
      queued.push(formula);
    }
    return queued;
  }

  async close(): Promise<void> {
    await this.#queue.close();
  }

  #dependentsOf(catalog: Catalog): Map<string, string[]> {
    let map = this.#dependents.get(catalog);
    if (!map) {
      map = new Map();
      for (const kpi of catalog.kpis.values()) {
        for (const input of kpi.inputs ?? []) map.set(input, [...(map.get(input) ?? []), kpi.id]);
      }
      this.#dependents.set(catalog, map);
    }
    return map;
  }
}
