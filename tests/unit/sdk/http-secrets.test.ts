import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient, type CreateHttpClientOptions } from '../../../src/sdk/http.ts';
import type { HttpRequest } from '../../../src/sdk/http.types.ts';
import { closedPortUrl, json, startServer, type Loopback } from './loopback-server.ts';

// Every failure path, with a server that echoes credentials back the way debug
// endpoints and some vendors do: the canaries must not surface anywhere.
const HEADER_CANARY = 'CANARYhdr7f3a9c1e5b';
const QUERY_CANARY = 'CANARYqry2d8e4b6a0f';
const BASIC_CANARY = 'CANARYpwd9a1b2c3d4e';

let server: Loopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function request(base: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return {
    url: `${base}/v1/metrics?access_token=${QUERY_CANARY}&limit=5`,
    headers: { Authorization: `Bearer ${HEADER_CANARY}` },
    ...extra,
  };
}

async function failWith(options: CreateHttpClientOptions, req: HttpRequest): Promise<{ err: unknown; events: unknown[] }> {
  const events: unknown[] = [];
  const client = createHttpClient({ baseDelayMs: 1, maxDelayMs: 2, ...options, onAttempt: (e) => events.push(e) });
  try {
    await client.request(req);
  } catch (err) {
    return { err, events };
  }
  throw new Error('expected the request to fail');
}

function expectNoCanary(err: unknown, events: unknown[]): void {
  const e = err as Error;
  const views = [String(e), e.stack ?? '', JSON.stringify(e), inspect(e, { depth: 10 }), JSON.stringify(events), inspect(events, { depth: 10 })];
  for (const view of views) {
    for (const canary of [HEADER_CANARY, QUERY_CANARY, BASIC_CANARY, 'CANARY']) expect(view).not.toContain(canary);
  }
}

/** Answers `status` with a body that quotes the request's Authorization header and URL. */
function echoing(status: number, contentType = 'application/json') {
  return startServer((req, res) => {
    const said = `rejected ${req.headers.authorization ?? ''} for ${req.url ?? ''}`;
    res.writeHead(status, { 'content-type': contentType, location: `${req.url ?? ''}&next=1` });
    res.end(contentType === 'application/json' ? JSON.stringify({ message: said }) : `<html>${said}</html>`);
  });
}

describe('secrets never leak from http errors', () => {
  it('401 with an echoed token', async () => {
    server = await echoing(401);
    const { err, events } = await failWith({}, request(server.url));
    expect((err as Error).message).toContain('→ 401 Unauthorized: rejected [redacted] for /v1/metrics?access_token=[redacted]&limit=5');
    expectNoCanary(err, events);
  });

  it('500 after retries, and a non-JSON 200', async () => {
    server = await echoing(500);
    const first = await failWith({ attempts: 3 }, request(server.url));
    expect(server.seen).toHaveLength(3);
    expectNoCanary(first.err, first.events);
    await server.close();
    server = await echoing(200, 'text/html');
    const second = await failWith({}, request(server.url));
    expect((second.err as Error).message).toContain('not JSON');
    expectNoCanary(second.err, second.events);
  });

  it('302 whose Location carries the token', async () => {
    server = await echoing(302);
    const { err, events } = await failWith({}, request(server.url));
    expect((err as Error).message).toContain('redirect to /v1/metrics not followed');
    expectNoCanary(err, events);
  });

  it('basic auth and userinfo in the URL', async () => {
    server = await echoing(403);
    const basic = Buffer.from(`me:${BASIC_CANARY}`).toString('base64');
    const url = server.url.replace('http://', `http://me:${BASIC_CANARY}@`);
    const { err, events } = await failWith({}, { url: `${url}/x`, headers: { authorization: `Basic ${basic}` } });
    expect((err as Error).message).toContain('→ 403 Forbidden: rejected [redacted] for /x');
    expectNoCanary(err, events);
  });

  it('timeout', async () => {
    server = await startServer(() => undefined);
    const { err, events } = await failWith({ timeoutMs: 100, attempts: 2 }, request(server.url));
    expect((err as Error).message).toContain('timed out');
    expectNoCanary(err, events);
  });

  it('network error', async () => {
    const url = await closedPortUrl();
    const { err, events } = await failWith({ attempts: 2 }, request(url));
    expect((err as Error).message).toContain('ECONNREFUSED');
    expectNoCanary(err, events);
  });

  it('labels replace host and path in messages and events', async () => {
    server = await startServer((_req, res) => json(res, 404, { message: 'no such report' }));
    const { err, events } = await failWith({}, request(server.url, { label: 'report-count' }));
    expect((err as Error).message).toBe('GET report-count → 404 Not Found: no such report');
    expect(events).toEqual([expect.objectContaining({ label: 'report-count', status: 404 })]);
  });
});
