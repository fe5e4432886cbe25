import { readFileSync } from 'node:fs';
import nock from 'nock';
import prometheus from '../../../connectors/prometheus/index.ts';
import type { PrometheusConnection } from '../../../connectors/prometheus/schema.ts';
import type { SyncWindow } from '../../../src/sdk/index.ts';
import { capturedLogger, createTestContext, type TestContext } from '../../../src/sdk/testing/index.ts';

/** Shared pieces of the Prometheus unit tests: a host for nock, credentials, a closed month, fixtures. */

export const BASE = 'https://prometheus.example.com';
export const TOKEN = 'cHJvbTp0b2tlbi0xMjM0NTY3ODkwLXNlY3JldA==';
export const TENANT = 'tenant-7f3a9c21-secret';

/** November 2025 in Paris: closed, so it is evaluated at its end. */
export const NOVEMBER: SyncWindow = {
  start: '2025-11-01T00:00:00.000+01:00',
  end: '2025-12-01T00:00:00.000+01:00',
  timeZone: 'Europe/Paris',
  interval: 'month',
};
export const NOVEMBER_END = '1764543600';
/** 30 days of November, as {{window.range}} renders it. */
export const NOVEMBER_RANGE = '30d';
/** The server-side timeout sent with a 30 s client timeout (90 % of it). */
export const SERVER_TIMEOUT = '27s';

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/prometheus/${name}`, import.meta.url), 'utf8'));
}

export function connection(overrides: Record<string, unknown> = {}): PrometheusConnection {
  return prometheus.connectionSchema.parse({ baseUrl: BASE, ...overrides });
}

export function query(promql: string, extra: Record<string, unknown> = {}) {
  return prometheus.querySchema.parse({ promql, ...extra });
}

/** A test context whose HTTP client is the connector's own, with waits recorded in `sleeps` instead of slept. */
export function context(options: { window?: SyncWindow; mode?: 'current' | 'backfill'; attempts?: number; conn?: PrometheusConnection } = {}): {
  ctx: TestContext;
  sleeps: number[];
  lines: string[];
} {
  const sleeps: number[] = [];
  const { logger, lines } = capturedLogger();
  const ctx = createTestContext({
    window: options.window ?? NOVEMBER,
    mode: options.mode,
    logger,
    httpOptions: {
      ...prometheus.http!(options.conn ?? connection()),
      attempts: options.attempts ?? 1,
      baseDelayMs: 1,
      maxDelayMs: 5,
      sleep: async (ms) => void sleeps.push(ms),
    },
  });
  return { ctx, sleeps, lines };
}

/** `GET /api/v1/query` for `promql` at the end of November, answering `status` with `body`. */
export function mockQuery(promql: string, status: number, body: unknown, headers: Record<string, string> = {}, time = NOVEMBER_END) {
  return nock(BASE)
    .get('/api/v1/query')
    .query({ query: promql, time, timeout: SERVER_TIMEOUT })
    .reply(status, body as nock.Body, headers);
}
