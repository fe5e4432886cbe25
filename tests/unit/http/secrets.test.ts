import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import http from '../../../connectors/http/index.ts';
import { memoryConnectionState } from '../../../src/sdk/testing/index.ts';
import { CLIENT_SECRET, connection, context, query, TOKEN } from './http-mocks.ts';
import { startLoopbackApi, type LoopbackApi } from './loopback-server.ts';

let api: LoopbackApi;
beforeAll(async () => {
  api = await startLoopbackApi();
});
afterEach(() => api.reset());
afterAll(async () => {
  await api.close();
});

const PASSWORD = 'h77p-basic-pa55word-42';
const API_KEY = 'key_live_51HqLyjWDarjtT1zd';
const EXTRA = 'tenant-header-secret-9f8e7d';
const ACCESS = 'issued-access-token-0123456789';
const QUERY = query({ path: '/v1/total', pick: { jsonpath: '$.total' } });

const kinds = [
  { name: 'bearer', auth: { type: 'bearer', token: TOKEN }, secret: TOKEN },
  { name: 'basic', auth: { type: 'basic', username: 'kpi', password: PASSWORD }, secret: PASSWORD },
  { name: 'header', auth: { type: 'header', name: 'X-Api-Key', value: API_KEY }, secret: API_KEY },
];

function expectClean(error: unknown, lines: string[], secrets: string[], log: (e: unknown) => void): void {
  expect(error).toBeInstanceOf(Error);
  log(error);
  const e = error as Error;
  const text = [e.message, String(e), e.stack ?? '', JSON.stringify(e), JSON.stringify(e.cause ?? null), lines.join('\n')].join('\n');
  expect(lines.length).toBeGreaterThan(0);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe('http: credentials appear in no error or log line', () => {
  for (const { name, auth, secret } of kinds) {
    it.each([401, 400, 500])(`${name} auth, a %d echoing the request headers`, async (status) => {
      api.on('GET', '/v1/total', (request) => ({ status, body: { message: `rejected: ${JSON.stringify(request.headers)}` } }));
      const conn = connection(api.url, { auth, headers: { 'X-Tenant': EXTRA } });
      const { ctx, lines } = context({ conn });
      const error = await http.fetch(conn, QUERY, ctx).catch((e: unknown) => e);
      expectClean(error, lines, [secret, EXTRA], (e) => ctx.logger.error({ err: e }, `sync failed: ${String(e)}`));
    });
  }

  it('oauth2: a token endpoint echoing the client secret, an API echoing the access token', async () => {
    const oauth2 = { type: 'oauth2', tokenUrl: `${api.url}/oauth/token`, clientId: 'kpi', clientSecret: CLIENT_SECRET, clientAuth: 'body' };
    api.on('POST', '/oauth/token', (request) => ({
      status: 401,
      body: { error: 'invalid_client', error_description: `unknown secret ${request.form.get('client_secret')}` },
    }));
    const conn = connection(api.url, { auth: oauth2 });
    const first = context({ conn });
    const refused = await http.fetch(conn, QUERY, first.ctx).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'KS_ERR_AUTH' });
    expectClean(refused, first.lines, [CLIENT_SECRET], (e) => first.ctx.logger.error({ err: e }, `sync failed: ${String(e)}`));

    api.on('POST', '/oauth/token', () => ({ body: { access_token: ACCESS, token_type: 'bearer', expires_in: 3600 } }));
    api.on('GET', '/v1/total', (request) => ({ status: 401, body: { message: `token ${request.headers.authorization} expired` } }));
    const second = context({ conn, state: memoryConnectionState() });
    const expired = await http.fetch(conn, QUERY, second.ctx).catch((e: unknown) => e);
    expect(expired).toMatchObject({ code: 'KS_ERR_AUTH' });
    expectClean(expired, second.lines, [CLIENT_SECRET, ACCESS], (e) => second.ctx.logger.error({ err: e }, `sync failed: ${String(e)}`));
  });
});
