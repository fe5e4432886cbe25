import type { Logger } from 'pino';
import type { SyncResult } from '../../sync/run-sync.ts';

const EVERY_MS = 60_000;

/**
 * At thousands of KPIs a line per sync buries everything else, so queue mode logs
 * each successful sync at debug and a count per minute at info; a sync that did
 * not succeed still gets its own warning.
 */
export class SyncTally {
  readonly #logger: Logger;
  readonly #describe: (result: SyncResult) => string;
  readonly #timer: NodeJS.Timeout;
  #counts = { ok: 0, failed: 0, deferred: 0 };

  /** `describe` renders one sync for people (the CLI's `mrr · 2026-11 = 52,480 USD · health ok`). */
  constructor(logger: Logger, describe: (result: SyncResult) => string) {
    this.#logger = logger;
    this.#describe = describe;
    this.#timer = setInterval(() => this.flush(), EVERY_MS);
    this.#timer.unref();
  }

  add(result: SyncResult): void {
    const { run } = result;
    this.#counts[run.status === 'ok' || run.status === 'deferred' ? run.status : 'failed'] += 1;
    if (run.status !== 'ok') this.#logger.warn({ kpi: run.kpi, run: run.id, status: run.status }, this.#describe(result));
    else if (this.#logger.isLevelEnabled('debug')) this.#logger.debug({ kpi: run.kpi, run: run.id }, `synced ${this.#describe(result)}`);
  }

  /** Logs the count since the last one, if anything synced. */
  flush(): void {
    const { ok, failed, deferred } = this.#counts;
    const total = ok + failed + deferred;
    if (total > 0) this.#logger.info({ ok, failed, deferred }, `synced ${total} KPI(s) since the last count`);
    this.#counts = { ok: 0, failed: 0, deferred: 0 };
  }

  stop(): void {
    clearInterval(this.#timer);
    this.flush();
  }
}
