import type { Logger } from 'pino';
import type { Datapoint, HealthRecord, HealthTransition, KrProgress } from '../domain/types.ts';
import type { KsError } from '../sdk/index.ts';
import type { SyncRun } from '../store/store.ts';
import type { SyncPlan } from './plan/sync-plan.ts';

export interface SyncResult {
  run: SyncRun;
  datapoints: Datapoint[];
  /** The period health and KR progress judged (a regular sync: the last closed or the current one, per the KPI's evaluation). */
  judgedPeriod?: string;
  health?: HealthRecord;
  transition?: HealthTransition;
  /** Alerts this run queued (or, in a dry run, would queue). */
  alerts?: number;
  /** KR pushes this run queued, held ones included. */
  pushes?: number;
  progress: KrProgress[];
  /** Everything the run decided to write; absent when it failed before deciding. */
  plan?: SyncPlan;
  /**
   * Why a failed, deferred or aborted run stopped, as the typed error itself: the run
   * record keeps only its code and scrubbed message, but a queue worker deciding on a
   * retry needs `retryable` and a rate limit's Retry-After. Never stored or logged as is.
   */
  error?: KsError;
  /** The run's logger (kpi, connection and run id bound). */
  logger: Logger;
}
