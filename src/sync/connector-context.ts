import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { parseDateInZone, periodEnd, periodsBetween, periodStart } from '../domain/periods.ts';
import { QueryError, type ConnectionState, type ConnectorContext, type CursorStore, type HttpClient, type Interval, type SyncWindow } from '../sdk/index.ts';
import type { Store } from '../store/store.ts';
import type { RunDiagnostics } from './run-diagnostics.ts';

/** Periods `ctx.periods()` hands out unless the connector asks for another cap. */
const DEFAULT_MAX_PERIODS = 10_000;

export interface ContextInput {
  kpi: { id: string; timezone: string; interval: Interval };
  connection: { id: string; settings: unknown };
  window: SyncWindow;
  mode: 'current' | 'backfill';
  logger: Logger;
  signal: AbortSignal;
  http: HttpClient;
  store: Store;
  diagnostics: RunDiagnostics;
  baseDir: string;
  now: () => Date;
}

/** A connector context plus what the runner commits after a successful fetch. */
export interface RunContext {
  ctx: ConnectorContext;
  /** The cursor the connector set during the run, committed with the sync; undefined when it set none. */
  pendingCursor(): { value: unknown } | undefined;
}

/** Every request of a run carries the run's abort signal unless the connector passes its own. */
export function withSignal(http: HttpClient, signal: AbortSignal): HttpClient {
  return { request: (request) => http.request({ ...request, signal: request.signal ?? signal }) };
}

/** The store scope of a connection's shared state: its id and a fingerprint of its settings. */
export function connectionScope(connectionId: string, settings: unknown): string {
  return `${connectionId}#${createHash('sha256')
    .update(JSON.stringify(settings) ?? '')
    .digest('hex')
    .slice(0, 16)}`;
}

export function connectionStateFor(store: Store, connection: { id: string; settings: unknown }, now: () => Date): ConnectionState {
  const scope = connectionScope(connection.id, connection.settings);
  return {
    get: async <T>(key: string) => (await store.getConnectionState(scope, key, now().toISOString())) as T | undefined,
    set: (key, value, options = {}) => {
      const expiresAt = options.ttlMs === undefined ? undefined : new Date(now().getTime() + options.ttlMs).toISOString();
      return store.setConnectionState(scope, key, { value, ...(expiresAt ? { expiresAt } : {}) });
    },
    delete: (key) => store.setConnectionState(scope, key, undefined),
  };
}

export function createConnectorContext(input: ContextInput): RunContext {
  const { kpi, window } = input;
  let pending: { value: unknown } | undefined;
  const cursor: CursorStore = {
    // A value set earlier in this run wins: the connector reads back what it wrote.
    get: async <T>() => (pending ? pending.value : await input.store.getConnectorCursor(kpi.id)) as T | undefined,
    set: async (value: unknown) => {
      pending = { value };
    },
  };
  const periodOf = (instant: string | Date): string => {
    if (instant instanceof Date) return periodStart(instant, kpi.interval, kpi.timezone);
    const parsed = parseDateInZone(instant, kpi.timezone);
    if (parsed === undefined) throw new RangeError(`not a date: ${JSON.stringify(instant.slice(0, 40))}`);
    return periodStart(parsed, kpi.interval, kpi.timezone);
  };
  const periods = (max = DEFAULT_MAX_PERIODS): SyncWindow[] => {
    const starts = periodsBetween(window.start, window.end, kpi.interval, kpi.timezone);
    if (starts.length > max) {
      throw new QueryError(
        `the window ${window.start} – ${window.end} holds ${starts.length} ${kpi.interval}s, more than the ${max} one sync may read; backfill a shorter range`,
      );
    }
    return starts.map((start) => ({ ...window, start, end: periodEnd(start, kpi.interval, kpi.timezone) }));
  };
  const ctx: ConnectorContext = {
    window,
    mode: input.mode,
    periodOf,
    periods,
    logger: input.logger,
    signal: input.signal,
    http: withSignal(input.http, input.signal),
    cursor,
    connectionState: connectionStateFor(input.store, input.connection, input.now),
    diagnostics: input.diagnostics,
    baseDir: input.baseDir,
    kpi: { id: kpi.id, timeZone: kpi.timezone, interval: kpi.interval },
  };
  return { ctx, pendingCursor: () => pending };
}
