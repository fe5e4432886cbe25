import type { Logger } from 'pino';
import type { z } from 'zod';
import type { HttpClient, HttpClientOptions } from './http.types.ts';

export type Interval = 'day' | 'week' | 'month' | 'quarter';

/** The period a sync covers, in the KPI's time zone. */
export interface SyncWindow {
  /** Inclusive start, ISO 8601 with the zone's offset, e.g. 2026-11-01T00:00:00.000+01:00. */
  start: string;
  /** Exclusive end, same format. */
  end: string;
  timeZone: string;
  interval: Interval;
}

/** What a connector reads: a number, optionally when it happened and along which dimensions. */
export interface RawValue {
  value: number;
  /** An instant (ISO 8601). The runner buckets it into the KPI's period; absent = the window's period. */
  at?: string;
  dimensions?: Record<string, string>;
  /** The source only gave an estimate (e.g. Jira's approximate count). */
  approximate?: boolean;
}

/**
 * Opaque incremental state a connector keeps between runs (the Singer STATE idea).
 * `set` takes effect with the sync's commit: a run that fails keeps the old cursor,
 * so the data a cursor skips past is never lost.
 */
export interface CursorStore {
  get<T = unknown>(): Promise<T | undefined>;
  set(value: unknown): Promise<void>;
}

/**
 * What every process should know about a connection, shared through the store: an
 * API budget paused after a rate-limit error, a refreshed OAuth token, a field-id
 * cache. Scoped to the connection and a fingerprint of its settings, so changed
 * credentials start afresh. Writes take effect at once (not with the sync's commit).
 */
export interface ConnectionState {
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** `ttlMs`: the value reads as absent after this long. */
  set(key: string, value: unknown, options?: { ttlMs?: number }): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * How `kpi-sync backfill` reads history with this connector: `one-pass` reads the
 * whole window in one fetch (a file, a source that groups by period itself);
 * `per-period` runs one fetch per closed period, oldest first, and resumes where an
 * interrupted backfill stopped.
 */
export type BackfillStrategy = 'one-pass' | 'per-period';

/** See `Connector.measure`. */
export type Measure = 'flow' | 'snapshot';

/** Side information a connector reports about its read, stored with the sync run. */
export interface Diagnostics {
  /** A row or record that could not be used. `where` is a line number or record id. */
  reject(where: number | string, reason: string): void;
  /** Adds to a named counter (rowsRead, bytesRead, apiCalls, ...). */
  count(name: string, n?: number): void;
  /** The source's own API usage figures (e.g. Salesforce Sforce-Limit-Info). */
  apiUsage(used: number, limit: number): void;
  /**
   * A likely cause of the rejects, in words the operator can act on ("the rejected
   * numbers use \",\" for thousands: set thousands: \",\""). Kept with the run and quoted
   * when a data quality gate refuses it. The same hint twice is kept once.
   */
  hint(text: string): void;
}

export interface ConnectorContext {
  /** The period(s) to read. For a backfill it spans every requested period. */
  window: SyncWindow;
  /** `current`: only the window's period matters. `backfill`: every period in the window (CSV: in the file). */
  mode: 'current' | 'backfill';
  /** Start of the KPI period containing `instant`, as an ISO string in the KPI's zone. */
  periodOf(instant: string | Date): string;
  /**
   * The window split into the KPI's periods, oldest first, each with its start and
   * (exclusive) end. Throws a QueryError past `max` periods (default 10,000), so a
   * backfill over decades of days fails clearly instead of flooding the source.
   */
  periods(max?: number): SyncWindow[];
  logger: Logger;
  /** Aborted when the sync must stop (shutdown at its deadline). `http` passes it on every request. */
  signal: AbortSignal;
  http: HttpClient;
  cursor: CursorStore;
  connectionState: ConnectionState;
  diagnostics: Diagnostics;
  /** Folder of the config file that defined this connection; relative paths resolve against it. */
  baseDir: string;
  kpi: { id: string; timeZone: string; interval: Interval };
}

export interface CheckContext {
  logger: Logger;
  signal: AbortSignal;
  http: HttpClient;
  baseDir: string;
  connectionState: ConnectionState;
}

export interface CheckResult {
  /** What was verified, for humans: "authenticated as x@y; API v62.0". */
  detail: string;
}

/**
 * A connector: one folder under connectors/, one default export made with
 * `defineConnector`. `check` throws a typed error (AuthError, PermissionError,
 * TransientError, ...) when something is wrong; `fetch` only fetches and maps.
 */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds connectors whatever their settings types; each connector's own code is typed by its schemas.
export interface Connector<C = any, Q = any> {
  type: string;
  description: string;
  connectionSchema: z.ZodType<C>;
  querySchema: z.ZodType<Q>;
  check(connection: C, ctx: CheckContext): Promise<CheckResult>;
  fetch(connection: C, query: Q, ctx: ConnectorContext): Promise<RawValue[]>;
  /** How a backfill reads history (default `per-period`). */
  backfill?: BackfillStrategy;
  /**
   * What a query measures: a `flow` adds up what happened in the window (won revenue,
   * tickets created), so a month half gone is not comparable with a whole one and a
   * month or quarter KPI is judged on its last closed period; a `snapshot` reads a level
   * at a moment (MRR, open bugs) and is judged on the current period. Default `snapshot`.
   */
  measure?(query: Q): Measure;
  /**
   * For a connector that can serve several KPIs from one read (a CSV file scanned
   * once for all of them): queries on one connection with the same key read the same
   * data. The scheduler starts such KPIs together and counts them as one sync against
   * `settings.concurrency`; the connector gathers their fetches itself. Undefined (or
   * no method) means every fetch reads on its own.
   */
  shareKey?(connection: C, query: Q): string | undefined;
  /**
   * Defaults for the HTTP client the runner builds per connection: the vendor's
   * rate-limit header reader, timeouts. The client lives as long as the connection,
   * so rate-limit state carries across runs.
   */
  http?: (connection: C) => Omit<HttpClientOptions, 'signal' | 'onAttempt'>;
}

export function defineConnector<C, Q>(connector: Connector<C, Q>): Connector<C, Q> {
  return connector;
}
