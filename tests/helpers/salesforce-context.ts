import { DateTime } from 'luxon';
import type { CheckContext, ConnectionState, ConnectorContext, Diagnostics, HttpClient, Interval, SyncWindow } from '../../src/sdk/index.ts';
import type { CreateHttpClientOptions } from '../../src/sdk/http.ts';
import { captureLogger } from './capture-logger.ts';
import { makeTestContext, memoryConnectionState } from './connector-context.ts';
import { fastRetryHttp } from './fast-http.ts';

/** The real sdk client with the connector's own options; retries are fast and waits are recorded, not slept. */
export function testHttp(options: CreateHttpClientOptions = {}) {
  const slept: number[] = [];
  return { http: fastRetryHttp(slept, {}, options), slept };
}

export class RecordedDiagnostics implements Diagnostics {
  readonly rejects: { where: number | string; reason: string }[] = [];
  readonly counters: Record<string, number> = {};
  usage: { used: number; limit: number } | undefined;
  reject(where: number | string, reason: string): void {
    this.rejects.push({ where, reason });
  }
  count(name: string, n = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + n;
  }
  apiUsage(used: number, limit: number): void {
    this.usage = { used, limit };
  }
  readonly hints: string[] = [];
  hint(text: string): void {
    if (!this.hints.includes(text)) this.hints.push(text);
  }
}

const UNIT = { day: 'day', week: 'week', month: 'month', quarter: 'quarter' } as const;

/** Start of the period containing `instant`, in `zone`, as the runner formats it. */
export function periodStartOf(instant: string | Date, interval: Interval, zone: string): string {
  const at = instant instanceof Date ? DateTime.fromJSDate(instant, { zone }) : DateTime.fromISO(instant, { zone });
  return at.startOf(UNIT[interval]).toISO() ?? '';
}

/** The window of the period containing `instant`. */
export function windowOf(instant: string, interval: Interval, timeZone: string): SyncWindow {
  const start = periodStartOf(instant, interval, timeZone);
  const end =
    DateTime.fromISO(start, { zone: timeZone })
      .plus({ [`${interval}s`]: 1 })
      .toISO() ?? '';
  return { start, end, timeZone, interval };
}

export interface ContextOptions {
  http: HttpClient;
  window?: SyncWindow;
  mode?: 'current' | 'backfill';
  kpi?: string;
  logLines?: Record<string, unknown>[];
  baseDir?: string;
  /** The connection's shared state, as the store hands it to every run; default: a new one (a fresh store). */
  connectionState?: ConnectionState;
}

export function salesforceContext(options: ContextOptions): ConnectorContext & { diagnostics: RecordedDiagnostics } {
  const window = options.window ?? windowOf('2026-11-15T12:00:00Z', 'month', 'Europe/Oslo');
  const ctx = makeTestContext({
    window,
    timeZone: window.timeZone,
    interval: window.interval,
    kpiId: options.kpi ?? 'won_revenue',
    mode: options.mode ?? 'current',
    periodOf: (instant) => periodStartOf(instant, window.interval, window.timeZone),
    logger: captureLogger(options.logLines ?? []),
    http: options.http,
    baseDir: options.baseDir ?? process.cwd(),
    ...(options.connectionState ? { connectionState: options.connectionState } : {}),
  });
  return { ...ctx, diagnostics: new RecordedDiagnostics() };
}

export function salesforceCheckContext(options: {
  http: HttpClient;
  logLines?: Record<string, unknown>[];
  baseDir?: string;
  connectionState?: ConnectionState;
}): CheckContext {
  return {
    logger: captureLogger(options.logLines ?? []),
    signal: new AbortController().signal,
    http: options.http,
    baseDir: options.baseDir ?? process.cwd(),
    connectionState: options.connectionState ?? memoryConnectionState(),
  };
}
