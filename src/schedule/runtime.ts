import type { Logger } from 'pino';
import type { Catalog } from '../config/catalog.ts';
import type { Store } from '../store/store.ts';
import type { SyncEnvironment, SyncResult } from '../sync/run-sync.ts';

/** What changed when a catalog's schedules were put in force. */
export interface ScheduleDiff {
  added: string[];
  changed: string[];
  removed: string[];
}

export interface StopOutcome {
  /** Every in-flight sync finished before the deadline. */
  finished: boolean;
  /** KPIs whose sync was aborted at the deadline (each recorded as aborted, KS_ERR_ABORTED). */
  aborted: string[];
}

/**
 * How KPIs get synced on their schedules: node-cron in this process (embedded) or
 * BullMQ job schedulers and workers on Redis (queue). runUntilSignal drives either;
 * tests/schedule/runtime.contract.ts holds both to the same behaviour.
 */
export interface Runtime {
  readonly mode: 'embedded' | 'queue';
  /** Starts ticking on the catalog's crons, and the background passes (delivery, staleness, retention). */
  start(catalog: Catalog): Promise<ScheduleDiff>;
  /** Puts a new catalog's schedules in force; rejects (keeping the running schedules) when they cannot be. */
  reload(catalog: Catalog): Promise<ScheduleDiff>;
  /**
   * Stops ticking and taking work, lets in-flight syncs run until `deadlineMs` from now,
   * then aborts them and waits (briefly) for them to record themselves as aborted.
   * Never rejects; after it resolves nothing of the runtime runs any more.
   */
  stop(deadlineMs: number): Promise<StopOutcome>;
}

/** What a runtime needs of the app around it (the App satisfies it). */
export interface RuntimeHost {
  readonly catalog: Catalog;
  readonly env: SyncEnvironment;
  readonly store: Store;
  readonly logger: Logger;
  readonly dispatcher: { pass(): Promise<unknown>; start(intervalMs?: number): void; stop(): Promise<void> };
}

/** What a runtime reports as it works (log lines, tests of the runtime contract). Must not throw. */
export interface RuntimeEvents {
  /** A sync ran to its end (any status). */
  synced?(result: SyncResult): void;
  /** A KPI was due while its previous sync still ran: it was not started twice. */
  busy?(kpi: string): void;
}

/** Past the deadline, how long aborted syncs get to record themselves before stop() returns anyway. */
export const ABORT_SETTLE_MS = 500;
