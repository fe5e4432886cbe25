import { Writable } from 'node:stream';
import pino from 'pino';
import intercom from '../../connectors/intercom/index.ts';
import type { IntercomConnection } from '../../connectors/intercom/schema.ts';
import { periodStart } from '../../src/domain/periods.ts';
import type { CheckContext, ConnectorContext, HttpClient, Interval, SyncWindow } from '../../src/sdk/index.ts';
import { createHttpClient, type CreateHttpClientOptions } from '../../src/sdk/http.ts';

/**
 * A ConnectorContext for the Intercom tests: the real SDK HTTP client built with the
 * connector's own `http()` options (rate-limit reader, timeout) and fast retries, a
 * pino logger whose JSON lines are captured, and diagnostics that are recorded.
 */

export const BASE = 'https://api.intercom.io';
export const TOKEN = 'dG9rOmFiY2RlZi0xMjM0NTY3ODkwLXNlY3JldA==';

export function intercomConnection(overrides: Record<string, unknown> = {}): IntercomConnection {
  return intercom.connectionSchema.parse({ accessToken: TOKEN, ...overrides });
}

export interface Recorded {
  logs: string[];
  rejects: Array<{ where: number | string; reason: string }>;
  counters: Record<string, number>;
  usage: Array<{ used: number; limit: number }>;
  /** Sleeps the HTTP client asked for (rate-limit waits and backoff), in ms. */
  sleeps: number[];
}

export interface TestContextOptions {
  connection?: IntercomConnection;
  window?: Partial<SyncWindow>;
  mode?: 'current' | 'backfill';
  http?: Partial<CreateHttpClientOptions>;
}

/** November 2026 in Paris: a month window as the runner builds it. */
export const NOVEMBER: SyncWindow = {
  start: '2026-11-01T00:00:00.000+01:00',
  end: '2026-12-01T00:00:00.000+01:00',
  timeZone: 'Europe/Paris',
  interval: 'month',
};

export function testHttp(connection: IntercomConnection, recorded: Recorded, extra: Partial<CreateHttpClientOptions> = {}): HttpClient {
  return createHttpClient({
    ...intercom.http!(connection),
    baseDelayMs: 1,
    maxDelayMs: 5,
    sleep: async (ms) => {
      recorded.sleeps.push(ms);
    },
    ...extra,
  });
}

export function makeContext(options: TestContextOptions = {}): { ctx: ConnectorContext; recorded: Recorded; connection: IntercomConnection } {
  const connection = options.connection ?? intercomConnection();
  const recorded: Recorded = { logs: [], rejects: [], counters: {}, usage: [], sleeps: [] };
  const window: SyncWindow = { ...NOVEMBER, ...options.window };
  const interval: Interval = window.interval;
  const ctx: ConnectorContext = {
    window,
    mode: options.mode ?? 'current',
    periodOf: (instant) => periodStart(instant, interval, window.timeZone),
    logger: captureLogger(recorded.logs),
    signal: new AbortController().signal,
    http: testHttp(connection, recorded, options.http),
    cursor: { get: async () => undefined, set: async () => undefined },
    diagnostics: {
      reject: (where, reason) => recorded.rejects.push({ where, reason }),
      count: (name, n = 1) => {
        recorded.counters[name] = (recorded.counters[name] ?? 0) + n;
      },
      apiUsage: (used, limit) => recorded.usage.push({ used, limit }),
    },
    baseDir: process.cwd(),
    kpi: { id: 'test-kpi', timeZone: window.timeZone, interval },
  };
  return { ctx, recorded, connection };
}

export function makeCheckContext(connection: IntercomConnection, http: Partial<CreateHttpClientOptions> = {}): { ctx: CheckContext; recorded: Recorded } {
  const recorded: Recorded = { logs: [], rejects: [], counters: {}, usage: [], sleeps: [] };
  const ctx: CheckContext = {
    logger: captureLogger(recorded.logs),
    signal: new AbortController().signal,
    http: testHttp(connection, recorded, http),
    baseDir: process.cwd(),
  };
  return { ctx, recorded };
}

function captureLogger(lines: string[]): pino.Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return pino({ level: 'debug' }, sink);
}
