import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import http from '../../../connectors/http/index.ts';
import { connection, context, query, TOKEN } from './http-mocks.ts';
import { startLoopbackApi, type LoopbackApi, type Reply } from './loopback-server.ts';

let api: LoopbackApi;
beforeAll(async () => {
  api = await startLoopbackApi();
});
afterEach(() => api.reset());
afterAll(async () => {
  await api.close();
});

const TOTAL = { path: '/v1/total', pick: { jsonpath: '$.total' } };

async function failure(...replies: Reply[]) {
  let n = 0;
  api.on('GET', '/v1/total', () => replies[Math.min(n++, replies.length - 1)]!);
  const conn = connection(api.url, { auth: { type: 'bearer', token: TOKEN } });
  const { ctx, sleeps } = context({ conn, httpOptions: { attempts: 3 } });
  const error = (await http.fetch(conn, query(TOTAL), ctx).catch((e: unknown) => e)) as Error & { code?: string; retryable?: boolean };
  return { error, sleeps };
}

const where = () => `GET 127.0.0.1:${new URL(api.url).port}/v1/total`;

describe('http errors', () => {
  it('a 200 whose body is not JSON is a BadResponseError quoting it', async () => {
    const { error } = await failure({ body: '<html><body>Please log in</body></html>' });
    expect(error).toMatchObject({ code: 'KS_ERR_BAD_RESPONSE', retryable: false });
    expect(error.message).toBe(`${where()} → 200 OK but the body is not JSON (content-type text/plain): <html><body>Please log in</body></html>`);
  });

  it("401 is an AuthError, 403 a PermissionError, in the API's words", async () => {
    expect((await failure({ status: 401, body: { message: 'Bad credentials' } })).error).toMatchObject({
      code: 'KS_ERR_AUTH',
      message: `${where()} → 401 Unauthorized: Bad credentials`,
    });
    api.reset();
    expect((await failure({ status: 403, body: { error: 'forbidden', message: 'missing scope stats:read' } })).error).toMatchObject({
      code: 'KS_ERR_PERMISSION',
      message: expect.stringContaining('missing scope stats:read'),
    });
  });

  it("another 4xx is a QueryError in the API's words", async () => {
    const { error } = await failure({ status: 422, body: { errors: [{ code: 'invalid', message: 'from must be before to' }] } });
    expect(error).toMatchObject({ code: 'KS_ERR_QUERY', message: `${where()} → 422 Unprocessable Entity: invalid: from must be before to` });
  });

  it('a 5xx is retried, then a retryable TransientError', async () => {
    const { error, sleeps } = await failure({ status: 502, body: 'Bad Gateway' });
    expect(error).toMatchObject({ code: 'KS_ERR_TRANSIENT', retryable: true, message: expect.stringContaining('(after 3 attempts)') });
    expect(sleeps).toHaveLength(2);
    expect(api.received).toHaveLength(3);
  });

  it('a 5xx followed by an answer gives the value', async () => {
    let n = 0;
    api.on('GET', '/v1/total', () => ((n += 1) === 1 ? { status: 503, body: 'busy' } : { body: { total: 3 } }));
    const conn = connection(api.url);
    const { ctx } = context({ conn, httpOptions: { attempts: 3 } });
    expect(await http.fetch(conn, query(TOTAL), ctx)).toHaveLength(1);
  });

  it('a redirect is not followed', async () => {
    const { error } = await failure({ status: 302, headers: { location: 'https://login.example.com/sso' }, body: '' });
    expect(error).toMatchObject({ code: 'KS_ERR_BAD_RESPONSE', message: expect.stringContaining('redirect to login.example.com/sso not followed') });
  });
});

describe('http check', () => {
  it('says the credentials were not proven when the path answers another 4xx', async () => {
    const conn = connection(api.url, { auth: { type: 'bearer', token: TOKEN } });
    const { ctx } = context({ conn });
    const result = await http.check(conn, ctx);
    expect(result.detail).toBe(
      `GET 127.0.0.1:${new URL(api.url).port}/ → 404 Not Found; the host answers, but this path does not prove the credentials: set checkPath to an endpoint that needs them`,
    );
  });

  it('fails on a refused credential and on a server error', async () => {
    api.on('GET', '/v1/me', () => ({ status: 401, body: { message: 'Bad credentials' } }));
    const conn = connection(api.url, { auth: { type: 'bearer', token: TOKEN }, checkPath: '/v1/me' });
    await expect(http.check(conn, context({ conn }).ctx)).rejects.toMatchObject({ code: 'KS_ERR_AUTH' });
    api.on('GET', '/v1/me', () => ({ status: 500, body: 'oops' }));
    await expect(http.check(conn, context({ conn }).ctx)).rejects.toMatchObject({ code: 'KS_ERR_TRANSIENT' });
  });
});
