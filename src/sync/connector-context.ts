import type { Logger } from 'pino';
import { parseDateInZone, periodStart } from '../domain/periods.ts';
import type { ConnectorContext, CursorStore, HttpClient, Interval, SyncWindow } from '../sdk/index.ts';
import type { Store } from '../store/store.ts';
import type { RunDiagnostics } from './run-diagnostics.ts';

export interface ContextInput {
  kpi: { id: string; timezone: string; interval: Interval };
  window: SyncWindow;
  mode: 'current' | 'backfill';
  logger: Logger;
  signal: AbortSignal;
  http: HttpClient;
  store: Store;
  diagnostics: RunDiagnostics;
  baseDir: string;
}

/** The cursor a connector sees is scoped to its KPI: two KPIs on one connection do not share state. */
export function cursorFor(store: Store, kpiId: string): CursorStore {
  const scope = `kpi:${kpiId}`;
  return {
    get: async <T>() => (await store.getCursor(scope)) as T | undefined,
    set: (value: unknown) => store.setCursor(scope, value),
  };
}

export function createConnectorContext(input: ContextInput): ConnectorContext {
  const { kpi } = input;
  const periodOf = (instant: string | Date): string => {
    if (instant instanceof Date) return periodStart(instant, kpi.interval, kpi.timezone);
    const parsed = parseDateInZone(instant, kpi.timezone);
    if (parsed === undefined) throw new RangeError(`not a date: ${JSON.stringify(instant.slice(0, 40))}`);
    return periodStart(parsed, kpi.interval, kpi.timezone);
  };
  return {
    window: input.window,
    mode: input.mode,
    periodOf,
    logger: input.logger,
    signal: input.signal,
    http: input.http,
    cursor: cursorFor(input.store, kpi.id),
    diagnostics: input.diagnostics,
    baseDir: input.baseDir,
    kpi: { id: kpi.id, timeZone: kpi.timezone, interval: kpi.interval },
  };
}
