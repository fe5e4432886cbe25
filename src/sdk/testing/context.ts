import { pino, type Logger } from 'pino';
import { parseDateInZone, periodEnd, periodsBetween, periodStart } from '../../domain/periods.ts';
import type { CheckContext, ConnectionState, ConnectorContext, CursorStore, Diagnostics, Interval, SyncWindow } from '../connector.ts';
import { QueryError } from '../errors.ts';
import { createHttpClient, type CreateHttpClientOptions } from '../http.ts';
import type { HttpClient } from '../http.types.ts';

/** Diagnostics that keep what they are told. */
export interface RecordedDiagnostics extends Diagnostics {
  rejects: { where: number | string; reason: string }[];
  counters: Record<string, number>;
  usage: { used: number; limit: number }[];
  hints: string[];
}

export function recordedDiagnostics(): RecordedDiagnostics {
  const recorded: RecordedDiagnostics = {
    rejects: [],
    counters: {},
    usage: [],
    hints: [],
    reject: (where, reason) => void recorded.rejects.push({ where, reason }),
    hint: (text) => void (recorded.hints.includes(text) || recorded.hints.push(text)),
    count: (name, n = 1) => void (recorded.counters[name] = (recorded.counters[name] ?? 0) + n),
    apiUsage: (used, limit) => void recorded.usage.push({ used, limit }),
  };
  return recorded;
}

/** Connection state in memory, as the store shares it between runs and processes (pass one instance to several contexts). */
export function memoryConnectionState(now: () => number = Date.now): ConnectionState & { entries: Map<string, { value: unknown; expiresAt?: number }> } {
  const entries = new Map<string, { value: unknown; expiresAt?: number }>();
  return {
    /** What is stored, for a test to look at or tamper with. */
    entries,
    get: async <T>(key: string) => {
      const entry = entries.get(key);
      if (!entry || (entry.expiresAt !== undefined && entry.expiresAt <= now())) return undefined;
      return structuredClone(entry.value) as T;
    },
    set: async (key, value, options = {}) => {
      entries.set(key, { value: structuredClone(value), ...(options.ttlMs === undefined ? {} : { expiresAt: now() + options.ttlMs }) });
    },
    delete: async (key) => {
      entries.delete(key);
    },
  };
}

/** A logger whose JSON lines are kept in `lines` (trace and up). */
export function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

/** The window's periods as the runner hands them out (`ctx.periods`). */
export function periodsOf(window: SyncWindow, max = 10_000): SyncWindow[] {
  const starts = periodsBetween(window.start, window.end, window.interval, window.timeZone);
  if (starts.length > max) throw new QueryError(`the window holds ${starts.length} ${window.interval}s, more than ${max}`);
  return starts.map((start) => ({ ...window, start, end: periodEnd(start, window.interval, window.timeZone) }));
}

/** The window of the period containing `at`, in `timeZone`. */
export function windowAt(at: string | Date, interval: Interval, timeZone = 'UTC'): SyncWindow {
  const start = periodStart(at, interval, timeZone);
  return { start, end: periodEnd(start, interval, timeZone), timeZone, interval };
}

export interface TestContextOptions {
  window: SyncWindow;
  mode?: 'current' | 'backfill';
  kpiId?: string;
  logger?: Logger;
  /** Default: an SDK client with the given options (one attempt, 5 s timeout), bound to the context's signal. */
  http?: HttpClient;
  httpOptions?: CreateHttpClientOptions;
  connectionState?: ConnectionState;
  baseDir?: string;
}

export interface TestContext extends ConnectorContext {
  diagnostics: RecordedDiagnostics;
  /** Aborts `signal`, as a shutdown at its deadline does. */
  controller: AbortController;
  /** What the connector last set as its cursor. */
  cursorValue(): unknown;
}

/** A ConnectorContext as the runner builds it, with the runner's period rules, for a connector's own tests. */
export function createTestContext(options: TestContextOptions): TestContext {
  const { window } = options;
  const controller = new AbortController();
  let cursorValue: unknown;
  const cursor: CursorStore = {
    get: async <T>() => cursorValue as T | undefined,
    set: async (value) => {
      cursorValue = structuredClone(value);
    },
  };
  const http = options.http ?? createHttpClient({ attempts: 1, timeoutMs: 5_000, ...options.httpOptions });
  return {
    window,
    mode: options.mode ?? 'current',
    periodOf: (instant) => {
      if (instant instanceof Date) return periodStart(instant, window.interval, window.timeZone);
      const iso = parseDateInZone(instant, window.timeZone);
      if (iso === undefined) throw new RangeError(`not a date: ${JSON.stringify(instant.slice(0, 40))}`);
      return periodStart(iso, window.interval, window.timeZone);
    },
    periods: (max) => periodsOf(window, max),
    logger: options.logger ?? pino({ level: 'silent' }),
    signal: controller.signal,
    http: { request: (request) => http.request({ ...request, signal: request.signal ?? controller.signal }) },
    cursor,
    connectionState: options.connectionState ?? memoryConnectionState(),
    diagnostics: recordedDiagnostics(),
    baseDir: options.baseDir ?? process.cwd(),
    kpi: { id: options.kpiId ?? 'conformance', timeZone: window.timeZone, interval: window.interval },
    controller,
    cursorValue: () => cursorValue,
  };
}

/** A CheckContext like `kpi-sync check` builds (one attempt per request). */
export function createCheckContext(
  options: {
    logger?: Logger;
    http?: HttpClient;
    httpOptions?: CreateHttpClientOptions;
    signal?: AbortSignal;
    baseDir?: string;
    connectionState?: ConnectionState;
  } = {},
): CheckContext {
  return {
    logger: options.logger ?? pino({ level: 'silent' }),
    signal: options.signal ?? new AbortController().signal,
    http: options.http ?? createHttpClient({ attempts: 1, timeoutMs: 5_000, ...options.httpOptions }),
    baseDir: options.baseDir ?? process.cwd(),
    connectionState: options.connectionState ?? memoryConnectionState(),
  };
}
