import type { Logger } from 'pino';
import type { Catalog, LoadedKpi } from '../config/catalog.ts';
import type { Datapoint } from '../domain/types.ts';
import type { HttpClient } from '../sdk/index.ts';
import type { Store } from '../store/store.ts';
import type { SyncResult } from './sync-result.ts';

/** What runSync needs from the process around it. */
export interface SyncEnvironment {
  /** The config in force (a reload replaces it; a sync keeps the one it started with). */
  readonly catalog: Catalog;
  store: Store;
  logger: Logger;
  /** One client per connection, so rate-limit state carries across runs. */
  httpFor(connectionId: string): HttpClient;
  now(): Date;
  /** Removes secrets from text that is about to be stored (error messages). */
  scrub(text: string): string;
  /** Told about every finished run (metrics, dashboards). Must not throw. */
  observe?(result: SyncResult, kpi: LoadedKpi): void;
}

/** Datapoints a dry run has planned so far, by KPI: a formula planned after its inputs reads them. */
export type PlannedDatapoints = ReadonlyMap<string, readonly Datapoint[]>;
