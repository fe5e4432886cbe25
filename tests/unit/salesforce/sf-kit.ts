import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import connector from '../../../connectors/salesforce/index.ts';
import { connectionSchema, querySchema, type SalesforceConnection, type SalesforceQuery } from '../../../connectors/salesforce/schema.ts';
import { memoryConnectionState } from '../../helpers/connector-context.ts';
import { salesforceContext, testHttp, type ContextOptions } from '../../helpers/salesforce-context.ts';
import type { CreateHttpClientOptions } from '../../../src/sdk/http.ts';
import type { ConnectionState } from '../../../src/sdk/index.ts';

/** The error a promise rejects with; fails the test when it resolves. */
export { rejection as failure } from '../../helpers/rejection.ts';

export const LOGIN = 'https://login.salesforce.com';
export const INSTANCE = 'https://acme.my.salesforce.com';
export const TOKEN_PATH = '/services/oauth2/token';
export const QUERY_PATH = '/services/data/v66.0/query';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/salesforce');

export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as T;
}

export function fixtureText(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

export const SECRETS = {
  clientSecret: 'CS-3F9A2B7C1D5E8F0A4B6C9D2E7F1A3B5C',
  refreshToken: '5Aep861ORIGINALrefreshTOKENexample000000000000000000000009',
  password: 'Hunter2-correct-horse',
  securityToken: 'SecTokXYZ987654321',
};

/**
 * The connection's shared state as the runner's store scopes it: one per connection
 * settings, handed to every run of this test process (the clock is read at each call,
 * so fake timers move its TTLs).
 */
const stores = new Map<string, ConnectionState>();
export function storeFor(connection: SalesforceConnection): ConnectionState {
  const key = JSON.stringify(connection);
  let state = stores.get(key);
  if (!state) stores.set(key, (state = memoryConnectionState(() => Date.now())));
  return state;
}

/**
 * A refresh-token connection with a unique client id: connection state (session,
 * usage, pause) is kept per settings, so each test starts from nothing.
 */
export function refreshConnection(overrides: Record<string, unknown> = {}, auth: Record<string, unknown> = {}): SalesforceConnection {
  return connectionSchema.parse({
    auth: { flow: 'refreshToken', clientId: `3MVG9-${randomUUID()}`, clientSecret: SECRETS.clientSecret, refreshToken: SECRETS.refreshToken, ...auth },
    ...overrides,
  });
}

export function query(input: Record<string, unknown>): SalesforceQuery {
  return querySchema.parse(input);
}

/** The sdk client the runner would build for this connection, with fast retries. */
export function httpFor(connection: SalesforceConnection, extra: CreateHttpClientOptions = {}) {
  return testHttp({ ...connector.http?.(connection), ...extra });
}

/** A form body as nock hands it to a matcher (string or already parsed). */
export function form(body: unknown): Record<string, string> {
  if (typeof body === 'string') return Object.fromEntries(new URLSearchParams(body));
  return body as Record<string, string>;
}

export const SUM_SOQL = 'SELECT SUM(Amount) total FROM Opportunity WHERE IsWon = true AND CloseDate >= {{window.startDate}} AND CloseDate < {{window.endDate}}';
export const COUNT_SOQL = 'SELECT COUNT() FROM Lead WHERE CreatedDate >= {{window.start}} AND CreatedDate < {{window.end}}';

/** The first token request of a connection, answered with token.json. */
export function tokenOnce(times = 1) {
  return nock(LOGIN).post(TOKEN_PATH).times(times).reply(200, fixture('token.json'));
}

/** One fetch as the runner makes it: a fresh context on the connection's shared state, the connection's http client unless given. */
export async function runFetch(connection: SalesforceConnection, q: SalesforceQuery, http = httpFor(connection).http, options: Partial<ContextOptions> = {}) {
  const ctx = salesforceContext({ http, connectionState: storeFor(connection), ...options });
  const values = await connector.fetch(connection, q, ctx);
  return { values, ctx };
}
