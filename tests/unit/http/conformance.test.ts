import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from '../../../connectors/http/index.ts';
import { defineConnectorConformance } from '../../../src/sdk/testing/index.ts';
import { CLIENT_SECRET, fixture, NOVEMBER, TOKEN } from './http-mocks.ts';
import { startLoopbackApi, type LoopbackApi } from './loopback-server.ts';

/**
 * The http connector against the shared conformance suite, served by a loopback API:
 * GitHub's `GET /search/issues` shape for the value, `GET /user` for check. Once with a
 * bearer token, once with OAuth 2.0 client credentials (the token endpoint on the same
 * loopback server).
 */

let api: LoopbackApi;
beforeAll(async () => {
  api = await startLoopbackApi();
});
afterAll(async () => {
  await api.close();
});

const REVOKED = 'aHR0cDpyZXZva2VkLTAwMDAwMDAwMDAtc2VjcmV0';
const QUERY = {
  path: '/search/issues?q=repo:acme/shop+is:issue+closed:{{window.startDate}}..{{window.lastDate}}&per_page=1',
  pick: { jsonpath: '$.total_count' },
};

function serve(accepted: (authorization: string | undefined) => boolean): void {
  const guarded = (reply: () => { status?: number; body: unknown }) => (request: { headers: { authorization?: string } }) =>
    accepted(request.headers.authorization)
      ? reply()
      : { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
  api.on(
    'GET',
    '/user',
    guarded(() => ({ body: { login: 'kpi-bot', id: 1 } })),
  );
  api.on(
    'GET',
    '/search/issues',
    guarded(() => ({ body: fixture('github-search-issues.json') })),
  );
}

function hang(): void {
  api.on('GET', '/search/issues', () => ({ hang: true }));
  api.on('POST', '/oauth/token', () => ({ body: fixture('oauth-token.json') }));
}

defineConnectorConformance(http, () => ({
  connection: { baseUrl: api.url, auth: { type: 'bearer', token: TOKEN }, checkPath: '/user' },
  badConnection: { baseUrl: api.url, auth: { type: 'bearer', token: REVOKED }, checkPath: '/user' },
  query: QUERY,
  window: NOVEMBER,
  source: {
    answers: () => serve((authorization) => authorization === `Bearer ${TOKEN}`),
    rejectsCredentials: () => serve(() => false),
    hangs: hang,
    reset: () => api.reset(),
  },
}));

const ISSUED = (fixture('oauth-token.json') as { access_token: string }).access_token;

defineConnectorConformance(http, () => ({
  connection: {
    baseUrl: api.url,
    auth: { type: 'oauth2', tokenUrl: `${api.url}/oauth/token`, clientId: 'kpi-sync', clientSecret: CLIENT_SECRET },
    checkPath: '/user',
  },
  secrets: [CLIENT_SECRET, ISSUED],
  query: QUERY,
  window: NOVEMBER,
  source: {
    answers: () => {
      api.on('POST', '/oauth/token', () => ({ body: fixture('oauth-token.json') }));
      serve((authorization) => authorization === `Bearer ${ISSUED}`);
    },
    rejectsCredentials: () => api.on('POST', '/oauth/token', () => ({ status: 401, body: fixture('oauth-error-invalid-client.json') })),
    hangs: hang,
    reset: () => api.reset(),
  },
}));

describe('http: declared strategy', () => {
  it('is per-period: one request (or one set of pages) per period', () => {
    expect(http.backfill).toBe('per-period');
  });
});
