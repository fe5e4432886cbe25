import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_KEY } from '../../../connectors/http/auth.ts';
import http from '../../../connectors/http/index.ts';
import { memoryConnectionState } from '../../../src/sdk/testing/index.ts';
import { basic, CLIENT_SECRET, connection, context, fixture, query, TOKEN } from './http-mocks.ts';
import { startLoopbackApi, type LoopbackApi } from './loopback-server.ts';

let api: LoopbackApi;
beforeAll(async () => {
  api = await startLoopbackApi();
});
afterEach(() => api.reset());
afterAll(async () => {
  await api.close();
});

const COUNT = query({ path: '/search/issues?q=is:issue', pick: { jsonpath: '$.total_count' } });
const ISSUED = (fixture('oauth-token.json') as { access_token: string }).access_token;

/** GitHub's search answering only requests whose `header` is `expected`. */
function searchAccepting(header: string, expected: () => string | undefined): void {
  api.on('GET', '/search/issues', (request) =>
    request.headers[header] === expected() ? { body: fixture('github-search-issues.json') } : { status: 401, body: { message: 'Bad credentials' } },
  );
}

async function fetchCount(settings: Record<string, unknown>, state = memoryConnectionState()) {
  const conn = connection(api.url, settings);
  const { ctx } = context({ conn, state });
  return http.fetch(conn, COUNT, ctx);
}

describe('http auth: static credentials', () => {
  it('bearer sends Authorization: Bearer', async () => {
    searchAccepting('authorization', () => `Bearer ${TOKEN}`);
    expect(await fetchCount({ auth: { type: 'bearer', token: TOKEN } })).toEqual([{ value: 42, at: '2025-11-01T00:00:00.000+01:00' }]);
  });

  it('basic sends HTTP Basic', async () => {
    searchAccepting('authorization', () => basic('kpi', 'pa55-word-123'));
    expect(await fetchCount({ auth: { type: 'basic', username: 'kpi', password: 'pa55-word-123' } })).toHaveLength(1);
  });

  it('header sends the credential in the named header, beside the extra headers', async () => {
    searchAccepting('x-api-key', () => TOKEN);
    expect(await fetchCount({ auth: { type: 'header', name: 'X-Api-Key', value: TOKEN }, headers: { 'X-Tenant': 'acme' } })).toHaveLength(1);
    expect(api.received[0]!.headers['x-tenant']).toBe('acme');
  });

  it('a refused static token is an AuthError after one request: there is nothing to renew', async () => {
    searchAccepting('authorization', () => 'Bearer other');
    await expect(fetchCount({ auth: { type: 'bearer', token: TOKEN } })).rejects.toMatchObject({ code: 'KS_ERR_AUTH' });
    expect(api.received).toHaveLength(1);
  });
});

describe('http auth: oauth2 client credentials', () => {
  const oauth2 = (extra: Record<string, unknown> = {}) => ({
    auth: { type: 'oauth2', tokenUrl: `${api.url}/oauth/token`, clientId: 'kpi sync', clientSecret: CLIENT_SECRET, scope: 'stats:read', ...extra },
  });
  let issued: string[] = [];
  const tokens = () => api.to('/oauth/token');

  function tokenEndpoint(expiresIn: number | undefined = 3600): void {
    issued = [];
    api.on('POST', '/oauth/token', () => {
      const token = `${ISSUED}-${issued.length + 1}`;
      issued.push(token);
      return { body: { access_token: token, token_type: 'Bearer', ...(expiresIn === undefined ? {} : { expires_in: expiresIn }) } };
    });
  }

  it('asks for a token with the client credentials grant, client authenticated with HTTP Basic', async () => {
    tokenEndpoint();
    searchAccepting('authorization', () => `Bearer ${issued.at(-1)}`);
    expect(await fetchCount(oauth2())).toHaveLength(1);
    const [request] = tokens();
    expect(request!.headers.authorization).toBe(basic('kpi+sync', CLIENT_SECRET));
    expect(Object.fromEntries(request!.form)).toEqual({ grant_type: 'client_credentials', scope: 'stats:read' });
  });

  it('with clientAuth: body, sends client_id and client_secret in the form', async () => {
    tokenEndpoint();
    searchAccepting('authorization', () => `Bearer ${issued.at(-1)}`);
    await fetchCount(oauth2({ clientAuth: 'body', audience: 'https://api.example.com' }));
    const [request] = tokens();
    expect(request!.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(request!.form)).toEqual({
      grant_type: 'client_credentials',
      scope: 'stats:read',
      audience: 'https://api.example.com',
      client_id: 'kpi sync',
      client_secret: CLIENT_SECRET,
    });
  });

  it('shares the token through the connection state: two fetches, one token request', async () => {
    tokenEndpoint();
    searchAccepting('authorization', () => `Bearer ${issued.at(-1)}`);
    const state = memoryConnectionState();
    await fetchCount(oauth2(), state);
    await fetchCount(oauth2(), state);
    expect(tokens()).toHaveLength(1);
    expect(api.to('/search/issues')).toHaveLength(2);
    expect(await state.get(TOKEN_KEY)).toEqual({ accessToken: issued[0] });
  });

  it('keeps the token for expires_in minus a margin, then asks again', async () => {
    tokenEndpoint(600);
    searchAccepting('authorization', () => `Bearer ${issued.at(-1)}`);
    let now = Date.parse('2026-01-01T00:00:00Z');
    const state = memoryConnectionState(() => now);
    await fetchCount(oauth2(), state);
    // 600 s minus a 60 s margin: still shared at 539 s, gone at 540 s.
    now += 539_000;
    await fetchCount(oauth2(), state);
    expect(tokens()).toHaveLength(1);
    now += 1_000;
    await fetchCount(oauth2(), state);
    expect(tokens()).toHaveLength(2);
  });

  it('renews the token once on a 401 and sends again', async () => {
    tokenEndpoint();
    const state = memoryConnectionState();
    await state.set(TOKEN_KEY, { accessToken: 'revoked-before-its-time' });
    searchAccepting('authorization', () => `Bearer ${issued.at(-1)}`);
    expect(await fetchCount(oauth2(), state)).toHaveLength(1);
    expect(tokens()).toHaveLength(1);
    expect(api.to('/search/issues').map((r) => r.headers.authorization)).toEqual(['Bearer revoked-before-its-time', `Bearer ${issued[0]}`]);
    expect(await state.get(TOKEN_KEY)).toEqual({ accessToken: issued[0] });
  });

  it('believes a second 401: AuthError, two token requests at most', async () => {
    tokenEndpoint();
    searchAccepting('authorization', () => 'Bearer never');
    await expect(fetchCount(oauth2())).rejects.toMatchObject({ code: 'KS_ERR_AUTH' });
    expect(tokens()).toHaveLength(2);
    expect(api.to('/search/issues')).toHaveLength(2);
  });

  it('check proves the client credentials by getting a token', async () => {
    tokenEndpoint();
    searchAccepting('authorization', () => `Bearer ${issued.at(-1)}`);
    api.on('GET', '/user', () => ({ body: { login: 'kpi-bot' } }));
    const conn = connection(api.url, { ...oauth2(), checkPath: '/user' });
    const { ctx } = context({ conn });
    expect(await http.check(conn, ctx)).toEqual({
      detail: `an OAuth token was issued; GET 127.0.0.1:${new URL(api.url).port}/user answered 200 with the credentials`,
    });
  });

  it("invalid_client is an AuthError, invalid_scope a PermissionError, in the server's words", async () => {
    api.on('POST', '/oauth/token', () => ({ status: 401, body: fixture('oauth-error-invalid-client.json') }));
    await expect(fetchCount(oauth2())).rejects.toMatchObject({
      code: 'KS_ERR_AUTH',
      message: `POST 127.0.0.1:${new URL(api.url).port}/oauth/token → 401 Unauthorized: invalid_client: Client authentication failed; check clientId and clientSecret`,
    });
    api.on('POST', '/oauth/token', () => ({ status: 400, body: fixture('oauth-error-invalid-scope.json') }));
    await expect(fetchCount(oauth2())).rejects.toMatchObject({ code: 'KS_ERR_PERMISSION', message: expect.stringContaining('invalid_scope') });
  });

  it('a token answer without access_token, or of another type, is a BadResponseError', async () => {
    api.on('POST', '/oauth/token', () => ({ body: { token_type: 'Bearer' } }));
    await expect(fetchCount(oauth2())).rejects.toMatchObject({ code: 'KS_ERR_BAD_RESPONSE', message: expect.stringContaining('no access_token') });
    api.on('POST', '/oauth/token', () => ({ body: { access_token: 'x-123', token_type: 'mac' } }));
    await expect(fetchCount(oauth2())).rejects.toMatchObject({ code: 'KS_ERR_BAD_RESPONSE', message: expect.stringContaining('token_type "mac"') });
  });
});
