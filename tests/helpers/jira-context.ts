import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import jira from '../../connectors/jira/index.ts';
import type { JiraConnection } from '../../connectors/jira/schema.ts';
import { periodStart } from '../../src/domain/periods.ts';
import type { CheckContext, ConnectorContext, HttpClient, SyncWindow } from '../../src/sdk/index.ts';
import { createHttpClient, type CreateHttpClientOptions } from '../../src/sdk/http.ts';

/**
 * Contexts for the Jira tests and benchmark: the real SDK HTTP client built with the
 * connector's own `http()` options and fast retries (sleeps are recorded, not
 * slept), a pino logger whose JSON lines are captured, and recorded diagnostics.
 */

export const CLOUD = 'https://acme.atlassian.net';
export const DC = 'https://jira.example.com';
export const EMAIL = 'kpi-bot@acme.com';
export const API_TOKEN = 'ATATT3xFfGF0-test-api-token-9f8e7d6c5b4a';
export const ACCESS_TOKEN = 'eyJraWQiOiJ0ZXN0LWtpZCJ9.oauth-access-token-1a2b3c4d';
export const PAT = 'NjQ4MTA0OTk5NTQ1OmRjLXBlcnNvbmFsLWFjY2Vzcy10b2tlbg';
export const PASSWORD = 'correct-horse-battery-staple';

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/jira/${name}`, import.meta.url), 'utf8'));
}

/** A parsed Cloud connection (API token, JQL zone fixed so counts cost one request). */
export function cloudConnection(overrides: Record<string, unknown> = {}): JiraConnection {
  return jira.connectionSchema.parse({
    baseUrl: CLOUD,
    auth: { type: 'api-token', email: EMAIL, apiToken: API_TOKEN },
    jqlTimeZone: 'Europe/Paris',
    ...overrides,
  });
}

export function dcConnection(overrides: Record<string, unknown> = {}): JiraConnection {
  return jira.connectionSchema.parse({
    baseUrl: DC,
    deployment: 'datacenter',
    auth: { type: 'pat', token: PAT },
    jqlTimeZone: 'Europe/Berlin',
    ...overrides,
  });
}

/** November 2026 in Paris: a month window as the runner builds it. */
export const NOVEMBER: SyncWindow = {
  start: '2026-11-01T00:00:00.000+01:00',
  end: '2026-12-01T00:00:00.000+01:00',
  timeZone: 'Europe/Paris',
  interval: 'month',
};

export interface Recorded {
  logs: string[];
  rejects: Array<{ where: number | string; reason: string }>;
  counters: Record<string, number>;
  /** Waits the HTTP client asked for (Retry-After, rate-limit budget, backoff), in ms. */
  sleeps: number[];
}

export function testHttp(connection: JiraConnection, recorded: Recorded, extra: Partial<CreateHttpClientOptions> = {}): HttpClient {
  return createHttpClient({
    ...jira.http!(connection),
    baseDelayMs: 1,
    maxDelayMs: 5,
    sleep: async (ms) => {
      recorded.sleeps.push(ms);
    },
    ...extra,
  });
}

export interface ContextOptions {
  window?: Partial<SyncWindow>;
  mode?: 'current' | 'backfill';
  http?: Partial<CreateHttpClientOptions>;
}

export function makeContext(connection: JiraConnection, options: ContextOptions = {}): { ctx: ConnectorContext; recorded: Recorded } {
  const recorded: Recorded = { logs: [], rejects: [], counters: {}, sleeps: [] };
  const window: SyncWindow = { ...NOVEMBER, ...options.window };
  const ctx: ConnectorContext = {
    window,
    mode: options.mode ?? 'current',
    periodOf: (instant) => periodStart(instant, window.interval, window.timeZone),
    logger: captureLogger(recorded.logs),
    signal: new AbortController().signal,
    http: testHttp(connection, recorded, options.http),
    cursor: { get: async () => undefined, set: async () => undefined },
    diagnostics: {
      reject: (where, reason) => recorded.rejects.push({ where, reason }),
      count: (name, n = 1) => {
        recorded.counters[name] = (recorded.counters[name] ?? 0) + n;
      },
      apiUsage: () => undefined,
    },
    baseDir: process.cwd(),
    kpi: { id: 'test-kpi', timeZone: window.timeZone, interval: window.interval },
  };
  return { ctx, recorded };
}

export function makeCheckContext(connection: JiraConnection, http: Partial<CreateHttpClientOptions> = {}): { ctx: CheckContext; recorded: Recorded } {
  const recorded: Recorded = { logs: [], rejects: [], counters: {}, sleeps: [] };
  const ctx: CheckContext = {
    logger: captureLogger(recorded.logs),
    signal: new AbortController().signal,
    http: testHttp(connection, recorded, http),
    baseDir: process.cwd(),
  };
  return { ctx, recorded };
}

/** A loopback URL nothing listens on: connecting to it is refused. */
export async function closedLoopbackUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

/** The promise's rejection, or a failure when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
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
