import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import jira from '../../connectors/jira/index.ts';
import type { JiraConnection } from '../../connectors/jira/schema.ts';
import type { CheckContext, ConnectionState, ConnectorContext, HttpClient, SyncWindow } from '../../src/sdk/index.ts';
import type { CreateHttpClientOptions } from '../../src/sdk/http.ts';
import { makeRecordedCheckContext, makeRecordedContext, NOVEMBER, type Recorded } from './connector-context.ts';
import { fastRetryHttp } from './fast-http.ts';
import { rejection } from './rejection.ts';

/**
 * Contexts for the Jira tests and benchmark: the real SDK HTTP client built with the
 * connector's own `http()` options and fast retries (sleeps are recorded, not
 * slept), a pino logger whose JSON lines are captured, and recorded diagnostics.
 */

export { NOVEMBER, rejection, type Recorded };

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

/** The client the runner would build for this connection, with fast retries; waits go in `sleeps`. */
export function testHttp(connection: JiraConnection, sleeps: number[], extra: Partial<CreateHttpClientOptions> = {}): HttpClient {
  return fastRetryHttp(sleeps, jira.http!(connection), extra);
}

export interface ContextOptions {
  window?: Partial<SyncWindow>;
  mode?: 'current' | 'backfill';
  http?: Partial<CreateHttpClientOptions>;
  /** Share one state between contexts as the store shares it between runs and processes; default: a new one. */
  connectionState?: ConnectionState;
}

export function makeContext(connection: JiraConnection, options: ContextOptions = {}): { ctx: ConnectorContext; recorded: Recorded } {
  return makeRecordedContext({
    window: { ...NOVEMBER, ...options.window },
    mode: options.mode,
    http: (sleeps) => testHttp(connection, sleeps, options.http),
    ...(options.connectionState ? { connectionState: options.connectionState } : {}),
  });
}

export function makeCheckContext(connection: JiraConnection, http: Partial<CreateHttpClientOptions> = {}): { ctx: CheckContext; recorded: Recorded } {
  return makeRecordedCheckContext((sleeps) => testHttp(connection, sleeps, http));
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
