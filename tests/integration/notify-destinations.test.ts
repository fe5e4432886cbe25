import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { KsError } from '../../src/sdk/errors.ts';
import { createDestination } from '../../src/notify/destinations/create-destination.ts';
import type { Destination, DeliveryResult } from '../../src/notify/destinations/destination.ts';
import { destinationConfigSchema } from '../../src/notify/destinations/schemas.ts';
import { churnCritical } from '../fixtures/notify/alert-events.ts';
import { closedPortUrl, startServer, type Loopback } from '../unit/sdk/loopback-server.ts';

/**
 * What every destination kind shares, against real loopback servers: one HTTP request
 * per deliver(), the classification of statuses, redirects, timeouts and refused
 * connections, and that no credential ever comes back in a result or an error.
 */

const WEBHOOK_SECRET = 'whsec_CANARYCANARYCANARYCANARYCANARYCANARY';
const HEADER_SECRET = 'CANARY-header-value-123';
const SLACK_PATH = '/services/TCANARY01/BCANARY02/CANARYslackTOKENvalue000';
const ROUTING_KEY = 'CANARYroutingKEY0000000000000000';
const TIMEOUT_MS = 300;

const kinds = {
  webhook: (base: string) => ({
    kind: 'webhook',
    name: 'hook',
    url: `${base}/hook`,
    secret: WEBHOOK_SECRET,
    headers: { 'X-Api-Key': HEADER_SECRET },
    timeoutMs: TIMEOUT_MS,
  }),
  slack: (base: string) => ({ kind: 'slack', name: 'chat', url: `${base}${SLACK_PATH}`, timeoutMs: TIMEOUT_MS }),
  pagerduty: (base: string) => ({ kind: 'pagerduty', name: 'pager', routingKey: ROUTING_KEY, url: `${base}/v2/enqueue`, timeoutMs: TIMEOUT_MS }),
} as const;

const servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse, n: number, body: string) => void): Promise<Loopback> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

const reply =
  (status: number, body = '', headers: Record<string, string> = {}) =>
  (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(body);
  };

const attempt = (signal = new AbortController().signal) => ({ number: 1, signal });

describe.each(Object.keys(kinds) as (keyof typeof kinds)[])('%s destination over HTTP', (kind) => {
  const make = (base: string): Destination => createDestination(destinationConfigSchema.parse(kinds[kind](base)));
  const deliver = async (handler: Parameters<typeof serve>[0]): Promise<{ result: DeliveryResult; server: Loopback }> => {
    const server = await serve(handler);
    return { result: await make(server.url).deliver(churnCritical, attempt()), server };
  };

  it('is built by the factory with its name and kind', async () => {
    const destination = make('https://receiver.example.com');
    expect(destination.kind).toBe(kind);
    expect(destination.name).toBe(kinds[kind]('x').name);
  });

  it('makes exactly one request and asks for a retry on 500', async () => {
    const { result, server } = await deliver(reply(500, 'upstream exploded'));
    expect(result).toMatchObject({ outcome: 'retry', status: 500 });
    expect(result.outcome === 'retry' && result.error).toContain('upstream exploded');
    expect(server.seen).toHaveLength(1);
  });

  it('honours Retry-After on 503', async () => {
    const { result } = await deliver(reply(503, '', { 'retry-after': '7' }));
    expect(result).toMatchObject({ outcome: 'retry', status: 503, retryAfterMs: 7000 });
  });

  it('fails on 404 with the response body captured', async () => {
    const { result } = await deliver(reply(404, 'no such hook here'));
    expect(result).toMatchObject({ outcome: 'failed', status: 404 });
    expect(result.outcome === 'failed' && result.response).toContain('no such hook here');
    expect(result).not.toHaveProperty('disable');
  });

  it('fails and disables the destination on 410', async () => {
    const { result } = await deliver(reply(410, 'gone for good'));
    expect(result).toMatchObject({ outcome: 'failed', status: 410, disable: true });
  });

  it('does not follow a redirect: fails with 302 and the Location server hears nothing', async () => {
    const elsewhere = await serve(reply(200, 'ok'));
    const { result, server } = await deliver(reply(302, '', { location: `${elsewhere.url}/moved?sig=abc` }));
    expect(result).toMatchObject({ outcome: 'failed', status: 302 });
    expect(result.outcome === 'failed' && result.response).toContain('not followed');
    expect(JSON.stringify(result)).not.toContain('sig=abc');
    expect(server.seen).toHaveLength(1);
    expect(elsewhere.seen).toHaveLength(0);
  });

  it('gives up on a receiver that never answers after the timeout, asking for a retry', async () => {
    const { result, server } = await deliver(() => undefined);
    expect(result).toEqual({ outcome: 'retry', error: `POST ${new URL(server.url).host} → timed out after ${TIMEOUT_MS} ms` });
  });

  it('asks for a retry when the connection is refused', async () => {
    const base = await closedPortUrl();
    const result = await make(base).deliver(churnCritical, attempt());
    expect(result).toEqual({ outcome: 'retry', error: `POST ${new URL(base).host} → connection refused (ECONNREFUSED)` });
  });

  it('counts a 2xx as delivered without waiting for a body that never ends', async () => {
    const { result } = await deliver((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('o');
    });
    expect(result).toEqual({ outcome: 'delivered', status: 200 });
  });

  it("rejects with the dispatcher's reason when it aborts the attempt", async () => {
    const server = await serve(() => undefined);
    const controller = new AbortController();
    const reason = new Error('dispatcher shutting down');
    setTimeout(() => controller.abort(reason), 20);
    await expect(make(server.url).deliver(churnCritical, attempt(controller.signal))).rejects.toBe(reason);
  });

  it('never reports a credential, even when the receiver echoes the whole request back', async () => {
    const echo = (status: number) => (req: IncomingMessage, res: ServerResponse, _n: number, body: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `echo ${req.url ?? ''} ${JSON.stringify(req.headers)} ${body}` }));
    };
    for (const status of [400, 503]) {
      const { result, server } = await deliver(echo(status));
      expect(server.seen).toHaveLength(1);
      expect(result.outcome).not.toBe('delivered');
      expect(JSON.stringify(result)).not.toMatch(/CANARY/i);
    }
  });
});

describe('destination construction', () => {
  it('reports a bad webhook secret without quoting it', () => {
    const config = { kind: 'webhook', name: 'hook', url: 'https://r.example.com', secret: 'whsec_CANARY!!', timeoutMs: 1000 } as const;
    let thrown: unknown;
    try {
      createDestination(config);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(KsError);
    expect((thrown as KsError).code).toBe('KS_ERR_CONFIG');
    expect(String((thrown as Error).message)).toContain('webhook destination "hook"');
    expect(JSON.stringify(thrown) + String((thrown as Error).message) + String((thrown as Error).stack)).not.toContain('CANARY');
  });
});
