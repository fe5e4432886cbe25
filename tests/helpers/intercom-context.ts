import intercom from '../../connectors/intercom/index.ts';
import type { IntercomConnection } from '../../connectors/intercom/schema.ts';
import type { CheckContext, ConnectorContext, HttpClient, SyncWindow } from '../../src/sdk/index.ts';
import type { CreateHttpClientOptions } from '../../src/sdk/http.ts';
import { makeRecordedCheckContext, makeRecordedContext, NOVEMBER, type Recorded } from './connector-context.ts';
import { fastRetryHttp } from './fast-http.ts';

/**
 * A ConnectorContext for the Intercom tests: the real SDK HTTP client built with the
 * connector's own `http()` options (rate-limit reader, timeout) and fast retries, a
 * pino logger whose JSON lines are captured, and diagnostics that are recorded.
 */

export { NOVEMBER, type Recorded };

export const BASE = 'https://api.intercom.io';
export const TOKEN = 'dG9rOmFiY2RlZi0xMjM0NTY3ODkwLXNlY3JldA==';

export function intercomConnection(overrides: Record<string, unknown> = {}): IntercomConnection {
  return intercom.connectionSchema.parse({ accessToken: TOKEN, ...overrides });
}

export interface TestContextOptions {
  connection?: IntercomConnection;
  window?: Partial<SyncWindow>;
  mode?: 'current' | 'backfill';
  http?: Partial<CreateHttpClientOptions>;
}

/** The client the runner would build for this connection, with fast retries; waits go in `sleeps`. */
export function testHttp(connection: IntercomConnection, sleeps: number[], extra: Partial<CreateHttpClientOptions> = {}): HttpClient {
  return fastRetryHttp(sleeps, intercom.http!(connection), extra);
}

export function makeContext(options: TestContextOptions = {}): { ctx: ConnectorContext; recorded: Recorded; connection: IntercomConnection } {
  const connection = options.connection ?? intercomConnection();
  const { ctx, recorded } = makeRecordedContext({
    window: { ...NOVEMBER, ...options.window },
    mode: options.mode,
    http: (sleeps) => testHttp(connection, sleeps, options.http),
  });
  return { ctx, recorded, connection };
}

export function makeCheckContext(connection: IntercomConnection, http: Partial<CreateHttpClientOptions> = {}): { ctx: CheckContext; recorded: Recorded } {
  return makeRecordedCheckContext((sleeps) => testHttp(connection, sleeps, http));
}
