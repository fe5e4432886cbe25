import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError, BadResponseError, type KsError, PermissionError, QueryError, RateLimitedError, TransientError } from '../../src/sdk/errors.ts';
import { createHttpClient } from '../../src/sdk/http.ts';
import { fastClient, rejection } from '../unit/sdk/http-test-client.ts';
import { closedPortUrl, json, startServer, type Loopback } from '../unit/sdk/loopback-server.ts';

let server: Loopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('createHttpClient against a loopback server', () => {
  it('returns parsed JSON, lower-cased headers and sends query, body and user agent', async () => {
    server = await startServer((_req, res) => json(res, 200, { total: 42 }, { 'X-Custom': 'yes' }));
    const { client } = fastClient();
    const res = await client.request<{ total: number }>({
      method: 'POST',
      url: `${server.url}/count?fixed=1`,
      query: { q: 'a b', skip: undefined, n: 3 },
      body: { hello: 'world' },
    });
    expect(res).toEqual({ status: 200, headers: expect.objectContaining({ 'x-custom': 'yes' }), data: { total: 42 } });
    const seen = server.seen[0];
    expect(seen?.url).toBe('/count?fixed=1&q=a+b&n=3');
    expect(seen?.body).toBe('{"hello":"world"}');
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(seen?.headers['user-agent']).toBe('kpi-sync');
  });

  it('sends URLSearchParams form-encoded and returns text as text', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end('a,b\n1,2\n');
    });
    const { client } = fastClient();
    const res = await client.request<string>({ method: 'POST', url: server.url, body: new URLSearchParams({ grant: 'x' }), responseType: 'text' });
    expect(res.data).toBe('a,b\n1,2\n');
    expect(server.seen[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(server.seen[0]?.body).toBe('grant=x');
  });

  it('streams a body', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('one,');
      setTimeout(() => res.end('two'), 20);
    });
    const { client } = fastClient();
    const res = await client.request<Readable>({ url: server.url, responseType: 'stream' });
    let text = '';
    for await (const chunk of res.data) text += String(chunk);
    expect(text).toBe('one,two');
  });

  it('gives undefined for an empty JSON body (204)', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const { client } = fastClient();
    expect((await client.request({ url: server.url })).data).toBeUndefined();
  });

  it('retries 500 → 500 → 200 with backoff and reports each attempt', async () => {
    server = await startServer((_req, res, n) => (n < 3 ? json(res, 500, { message: 'boom' }) : json(res, 200, { ok: true })));
    const { client, slept, events } = fastClient();
    const res = await client.request({ url: `${server.url}/x` });
    expect(res.data).toEqual({ ok: true });
    expect(server.seen).toHaveLength(3);
    expect(slept).toHaveLength(2);
    expect(events.map((e) => e.status)).toEqual([500, 500, 200]);
    expect(events[0]?.error).toBe('500 Internal Server Error');
    expect(events[0]?.label).toBe(`GET ${server.url.slice('http://'.length)}/x`);
  });

  it('throws TransientError after the last attempt, with the body excerpt and attempt count', async () => {
    server = await startServer((_req, res) => json(res, 502, { error: { message: 'upstream down' } }));
    const { client } = fastClient({ attempts: 3 });
    const err = await rejection(client.request({ url: `${server.url}/api/v1/q` }));
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toBe(`GET ${server.url.slice('http://'.length)}/api/v1/q → 502 Bad Gateway: upstream down (after 3 attempts)`);
    expect(server.seen).toHaveLength(3);
  });

  it.each([
    [401, AuthError],
    [403, PermissionError],
    [400, QueryError],
    [404, QueryError],
    [422, QueryError],
  ])('maps %i to its typed error without retrying', async (status, type) => {
    server = await startServer((_req, res) => json(res, status, [{ message: 'nope', errorCode: 'INVALID_FIELD' }]));
    const { client } = fastClient();
    const err = await rejection(client.request({ url: `${server.url}/q` }));
    expect(err).toBeInstanceOf(type);
    expect((err as KsError).retryable).toBe(false);
    expect((err as Error).message).toContain(`→ ${status} `);
    expect((err as Error).message).toContain(': INVALID_FIELD: nope');
    expect(server.seen).toHaveLength(1);
  });

  it('does not follow a redirect and says where it pointed, without its query string', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(302, { location: 'https://login.example.com/sso?ticket=SECRET123' });
      res.end();
    });
    const { client } = fastClient();
    const err = await rejection(client.request({ url: server.url }));
    expect(err).toBeInstanceOf(BadResponseError);
    expect((err as Error).message).toContain('302 Found: redirect to login.example.com/sso not followed');
    expect((err as Error).message).not.toContain('SECRET123');
    expect(server.seen).toHaveLength(1);
  });

  it('times out a server that never answers, retries, then throws TransientError', async () => {
    server = await startServer(() => undefined);
    const { client, events } = fastClient({ timeoutMs: 200, attempts: 2 });
    const err = await rejection(client.request({ url: server.url }));
    expect(err).toBeInstanceOf(TransientError);
    expect((err as KsError).code).toBe('KS_ERR_TRANSIENT');
    expect((err as Error).message).toContain('timed out after 200 ms (after 2 attempts)');
    expect(server.seen).toHaveLength(2);
    expect(events.map((e) => e.error)).toEqual(['timeout', 'timeout']);
  });

  it('times out a body that stalls after the headers', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const { client } = fastClient({ timeoutMs: 200, attempts: 1 });
    const err = await rejection(client.request({ url: server.url }));
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toContain('timed out after 200 ms');
  });

  it('retries a refused connection, then throws TransientError(KS_ERR_NETWORK)', async () => {
    const url = await closedPortUrl();
    const { client, events } = fastClient({ attempts: 2 });
    const err = await rejection(client.request({ url: `${url}/x` }));
    expect(err).toBeInstanceOf(TransientError);
    expect((err as KsError).code).toBe('KS_ERR_NETWORK');
    expect((err as Error).message).toContain('connection refused (ECONNREFUSED) (after 2 attempts)');
    expect(events).toHaveLength(2);
  });

  it('turns a non-JSON body into BadResponseError with content type and excerpt', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<html><body>Maintenance${' '.repeat(10)}${'x'.repeat(500)}</body></html>`);
    });
    const { client } = fastClient();
    const err = await rejection(client.request({ url: server.url }));
    expect(err).toBeInstanceOf(BadResponseError);
    const message = (err as Error).message;
    expect(message).toContain('not JSON (content-type text/html): <html><body>Maintenance x');
    expect(message.length).toBeLessThan(400);
    expect(server.seen).toHaveLength(1);
  });

  it('aborts an in-flight request promptly with the signal reason', async () => {
    server = await startServer(() => undefined);
    const controller = new AbortController();
    const client = createHttpClient({ signal: controller.signal, timeoutMs: 10_000 });
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    const err = await rejection(client.request({ url: server.url }));
    expect((err as Error).message).toBe('shutting down');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('aborts a backoff sleep promptly', async () => {
    server = await startServer((_req, res) => json(res, 500, {}));
    const controller = new AbortController();
    const client = createHttpClient({ signal: controller.signal, baseDelayMs: 20_000, maxDelayMs: 20_000, random: () => 0.99 });
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const err = await rejection(client.request({ url: server.url }));
    expect((err as Error).name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server.seen).toHaveLength(1);
  });

  it('lets a request ask for a single attempt', async () => {
    server = await startServer((_req, res) => json(res, 503, {}));
    const { client } = fastClient({ attempts: 5 });
    await expect(client.request({ method: 'POST', url: server.url, body: {}, attempts: 1 })).rejects.toBeInstanceOf(TransientError);
    expect(server.seen).toHaveLength(1);
  });

  it('retries a connection the server drops (socket hang up)', async () => {
    server = await startServer((req, res, n) => {
      if (n === 1) req.socket.destroy();
      else json(res, 200, { ok: 1 });
    });
    const { client, events } = fastClient();
    expect((await client.request({ url: server.url })).data).toEqual({ ok: 1 });
    expect(events.map((e) => e.error)).toEqual(['ECONNRESET', undefined]);
  });

  it('retries a body cut off mid-way', async () => {
    server = await startServer((req, res, n) => {
      if (n > 1) return json(res, 200, { ok: 2 });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"ok":');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const { client } = fastClient();
    expect((await client.request({ url: server.url })).data).toEqual({ ok: 2 });
    expect(server.seen).toHaveLength(2);
  });

  it('keeps working when the onAttempt callback throws', async () => {
    server = await startServer((_req, res) => json(res, 200, { ok: 1 }));
    const client = createHttpClient({
      onAttempt: () => {
        throw new Error('metrics down');
      },
    });
    expect((await client.request({ url: server.url })).data).toEqual({ ok: 1 });
  });

  it('consults mapError before the status mapping', async () => {
    server = await startServer((_req, res) => json(res, 400, [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'limit' }]));
    const { client } = fastClient();
    const err = await rejection(
      client.request({
        url: server.url,
        mapError: (r) => (JSON.stringify(r.data).includes('REQUEST_LIMIT_EXCEEDED') ? new RateLimitedError('budget spent', 3_600_000) : undefined),
      }),
    );
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBeGreaterThan(60_000);
    expect(server.seen).toHaveLength(1);
  });
});
