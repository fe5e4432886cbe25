import { readFileSync } from 'node:fs';
import http from '../../../connectors/http/index.ts';
import type { HttpConnection } from '../../../connectors/http/schema.ts';
import type { ConnectionState, SyncWindow } from '../../../src/sdk/index.ts';
import type { CreateHttpClientOptions } from '../../../src/sdk/http.ts';
import { capturedLogger, createCheckContext, createTestContext, type TestContext } from '../../../src/sdk/testing/index.ts';

/** Shared pieces of the http connector's tests: credentials, a closed month, fixtures, contexts. */

export const TOKEN = 'aHR0cDp0b2tlbi0xMjM0NTY3ODkwLXNlY3JldA==';
export const CLIENT_SECRET = 'cl1ent-s3cret-0987654321-abcdef';

/** November 2025 in Paris. */
export const NOVEMBER: SyncWindow = {
  start: '2025-11-01T00:00:00.000+01:00',
  end: '2025-12-01T00:00:00.000+01:00',
  timeZone: 'Europe/Paris',
  interval: 'month',
};

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/http/${name}`, import.meta.url), 'utf8'));
}

export function connection(baseUrl: string, overrides: Record<string, unknown> = {}): HttpConnection {
  return http.connectionSchema.parse({ baseUrl, ...overrides });
}

export function query(settings: Record<string, unknown>) {
  return http.querySchema.parse(settings);
}

export interface ContextOptions {
  window?: SyncWindow;
  mode?: 'current' | 'backfill';
  conn?: HttpConnection;
  state?: ConnectionState;
  /** Extra client options: attempts, now, ... (waits always go to `sleeps`). */
  httpOptions?: CreateHttpClientOptions;
}

/** A test context whose client is the connector's own (rate-limit reader included); waits are recorded in `sleeps`, never slept. */
export function context(options: ContextOptions = {}): { ctx: TestContext; sleeps: number[]; lines: string[] } {
  const sleeps: number[] = [];
  const { logger, lines } = capturedLogger();
  const ctx = createTestContext({
    window: options.window ?? NOVEMBER,
    mode: options.mode,
    logger,
    ...(options.state ? { connectionState: options.state } : {}),
    httpOptions: {
      ...(options.conn ? http.http!(options.conn) : {}),
      baseDelayMs: 1,
      maxDelayMs: 5,
      sleep: async (ms) => void sleeps.push(ms),
      ...options.httpOptions,
    },
  });
  return { ctx, sleeps, lines };
}

export function checkContext(conn: HttpConnection, state?: ConnectionState) {
  const { logger, lines } = capturedLogger();
  return { ctx: createCheckContext({ logger, httpOptions: http.http!(conn), ...(state ? { connectionState: state } : {}) }), lines };
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
