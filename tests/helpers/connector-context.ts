import pino from 'pino';
import { parseDateInZone, periodEnd, periodsBetween, periodStart } from '../../src/domain/periods.ts';
import { createHttpClient } from '../../src/sdk/http.ts';
import {
  QueryError,
  type CheckContext,
  type ConnectionState,
  type ConnectorContext,
  type CursorStore,
  type Diagnostics,
  type HttpClient,
  type Interval,
  type SyncWindow,
} from '../../src/sdk/index.ts';
import { captureLogText } from './capture-logger.ts';
import { memoryConnectionState } from '../../src/sdk/testing/context.ts';

/** Diagnostics that keep everything they are told, for assertions. */
export interface RecordingDiagnostics extends Diagnostics {
  rejects: Array<{ where: number | string; reason: string }>;
  counts: Record<string, number>;
  usage: Array<{ used: number; limit: number }>;
  hints: string[];
}

export interface TestContext extends ConnectorContext {
  diagnostics: RecordingDiagnostics;
  /** Aborts `signal`. */
  controller: AbortController;
  /** What the in-memory cursor holds. */
  cursorValue(): unknown;
  /** How many times periodOf was called (connectors are expected to cache it). */
  periodOfCalls(): number;
}

export interface TestContextOptions extends Partial<Omit<ConnectorContext, 'diagnostics' | 'kpi'>> {
  timeZone?: string;
  interval?: Interval;
  /** The window is the period containing this instant, unless `window` is given. Default 2026-11-03T12:00:00Z. */
  at?: string;
  /** A window from a start to an end instant in the KPI zone (for backfills), unless `window` is given. */
  span?: { start: string; end: string };
  kpiId?: string;
}

function recordingDiagnostics(): RecordingDiagnostics {
  const rejects: RecordingDiagnostics['rejects'] = [];
  const counts: Record<string, number> = {};
  const usage: RecordingDiagnostics['usage'] = [];
  const hints: string[] = [];
  return {
    rejects,
    counts,
    usage,
    hints,
    hint: (text) => void (hints.includes(text) || hints.push(text)),
    reject: (where, reason) => void rejects.push({ where, reason }),
    count: (name, n = 1) => void (counts[name] = (counts[name] ?? 0) + n),
    apiUsage: (used, limit) => void usage.push({ used, limit }),
  };
}

function memoryCursor(): CursorStore & { value: unknown } {
  const store = {
    value: undefined as unknown,
    get: async <T>() => store.value as T | undefined,
    set: async (value: unknown) => {
      store.value = structuredClone(value);
    },
  };
  return store;
}

/** The window's periods as the runner hands them out (ctx.periods). */
export function windowPeriods(window: SyncWindow) {
  return (max = 10_000): SyncWindow[] => {
    const starts = periodsBetween(window.start, window.end, window.interval, window.timeZone);
    if (starts.length > max) throw new QueryError(`the window holds ${starts.length} ${window.interval}s, more than ${max}`);
    return starts.map((start) => ({ ...window, start, end: periodEnd(start, window.interval, window.timeZone) }));
  };
}

/** A full ConnectorContext for tests, with the real period rules of src/domain. */
export function makeTestContext(options: TestContextOptions = {}): TestContext {
  const { timeZone = 'UTC', interval = 'day', at = '2026-11-03T12:00:00Z', span, kpiId = 'test-kpi', ...overrides } = options;
  let calls = 0;
  const periodOf = (instant: string | Date): string => {
    calls++;
    if (typeof instant !== 'string') return periodStart(instant, interval, timeZone);
    const iso = parseDateInZone(instant, timeZone);
    if (iso === undefined) throw new RangeError(`periodOf: not a date: ${JSON.stringify(instant)}`);
    return periodStart(iso, interval, timeZone);
  };
  const window: SyncWindow = overrides.window ?? {
    start: span ? parseDateInZone(span.start, timeZone)! : periodStart(at, interval, timeZone),
    end: span ? parseDateInZone(span.end, timeZone)! : periodEnd(periodStart(at, interval, timeZone), interval, timeZone),
    timeZone,
    interval,
  };
  const controller = new AbortController();
  const cursor = memoryCursor();
  return {
    window,
    mode: span ? 'backfill' : 'current',
    periodOf,
    periods: windowPeriods(window),
    connectionState: memoryConnectionState(),
    logger: pino({ level: 'silent' }),
    signal: controller.signal,
    http: createHttpClient({ attempts: 1, timeoutMs: 5_000, signal: controller.signal }),
    cursor,
    baseDir: process.cwd(),
    ...overrides,
    diagnostics: recordingDiagnostics(),
    kpi: { id: kpiId, timeZone, interval },
    controller,
    cursorValue: () => cursor.value,
    periodOfCalls: () => calls,
  };
}

/** November 2026 in Paris: a month window as the runner builds it. */
export const NOVEMBER: SyncWindow = {
  start: '2026-11-01T00:00:00.000+01:00',
  end: '2026-12-01T00:00:00.000+01:00',
  timeZone: 'Europe/Paris',
  interval: 'month',
};

/** What a recorded context keeps for assertions. */
export interface Recorded {
  /** The logger's JSON lines, as written. */
  logs: string[];
  rejects: RecordingDiagnostics['rejects'];
  counters: Record<string, number>;
  usage: RecordingDiagnostics['usage'];
  /** Waits the HTTP client asked for (Retry-After, rate-limit budget, backoff), in ms. */
  sleeps: number[];
}

/** Builds a context's HTTP client; its waits go in `sleeps` (see fastRetryHttp). */
export type HttpFor = (sleeps: number[]) => HttpClient;

export interface RecordedContextOptions {
  window: SyncWindow;
  mode?: 'current' | 'backfill';
  http: HttpFor;
  /** The connection's shared state; default: a new one, as if each run had a store of its own. */
  connectionState?: ConnectionState;
}

/**
 * makeTestContext for a connector test: the KPI's zone and interval are the
 * window's, the logger's lines (debug and up) and the HTTP client's waits are kept
 * in `recorded` beside the diagnostics.
 */
export function makeRecordedContext(options: RecordedContextOptions): { ctx: TestContext; recorded: Recorded } {
  const { window } = options;
  const logs: string[] = [];
  const sleeps: number[] = [];
  const ctx = makeTestContext({
    window,
    timeZone: window.timeZone,
    interval: window.interval,
    mode: options.mode ?? 'current',
    logger: captureLogText(logs),
    http: options.http(sleeps),
    ...(options.connectionState ? { connectionState: options.connectionState } : {}),
  });
  const { rejects, counts: counters, usage } = ctx.diagnostics;
  return { ctx, recorded: { logs, rejects, counters, usage, sleeps } };
}

/** A CheckContext whose logger's lines and HTTP client's waits are kept in `recorded`. */
export function makeRecordedCheckContext(http: HttpFor, connectionState: ConnectionState = memoryConnectionState()): { ctx: CheckContext; recorded: Recorded } {
  const recorded: Recorded = { logs: [], rejects: [], counters: {}, usage: [], sleeps: [] };
  const ctx: CheckContext = {
    logger: captureLogText(recorded.logs),
    signal: new AbortController().signal,
    http: http(recorded.sleeps),
    baseDir: process.cwd(),
    connectionState,
  };
  return { ctx, recorded };
}

/** Connection state held in memory, shared by every context given the same instance (a second process is a second instance). */
export { memoryConnectionState };
