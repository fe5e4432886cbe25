import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../src/notify/alert-event.ts';
import { webhookDestinationSchema } from '../../../src/notify/destinations/schemas.ts';
import { webhookBody, webhookDestination } from '../../../src/notify/destinations/webhook.destination.ts';
import { churnCritical, WEBHOOK_SECRET } from '../../fixtures/notify/alert-events.ts';
import { startServer, type Loopback, type SeenRequest } from '../sdk/loopback-server.ts';

const servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const attempt = (number = 1) => ({ number, signal: new AbortController().signal });

async function receiver(): Promise<Loopback> {
  const server = await startServer((_req, res) => {
    res.writeHead(204);
    res.end();
  });
  servers.push(server);
  return server;
}

function destination(url: string, now?: () => number, headers?: Record<string, string>) {
  const config = webhookDestinationSchema.parse({ kind: 'webhook', name: 'ops-hook', url, secret: WEBHOOK_SECRET, ...(headers ? { headers } : {}) });
  return webhookDestination(config, now ? { now } : {});
}

/** The headers a receiver hands to the library, as a plain record. */
function headersOf(seen: SeenRequest): Record<string, string> {
  return Object.fromEntries(Object.entries(seen.headers).map(([k, v]) => [k, String(v)]));
}

describe('webhook destination', () => {
  it('POSTs the Standard Webhooks body with id, timestamp and signature headers', async () => {
    const { url, seen } = await receiver();
    const now = Date.parse('2026-06-02T06:00:05.700Z');
    const result = await destination(`${url}/hooks/kpi?team=ops`, () => now, { 'X-Api-Key': 'gateway-key-123' }).deliver(churnCritical, attempt());
    expect(result).toEqual({ outcome: 'delivered', status: 204 });
    expect(seen).toHaveLength(1);
    const [request] = seen as [SeenRequest];
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/hooks/kpi?team=ops');
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'kpi-sync',
      'x-api-key': 'gateway-key-123',
      'webhook-id': churnCritical.id,
      'webhook-timestamp': String(Math.floor(now / 1000)),
    });
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(request.body).toBe(webhookBody(churnCritical));
    const parsed = JSON.parse(request.body) as { type: string; timestamp: string; data: AlertEvent };
    expect(parsed.type).toBe('health.transition');
    expect(parsed.timestamp).toBe(churnCritical.createdAt);
    expect(parsed.data).toEqual(churnCritical);
  });

  it('is verified by the standardwebhooks library on the receiving side', async () => {
    const { url, seen } = await receiver();
    await destination(url).deliver(churnCritical, attempt());
    const [request] = seen as [SeenRequest];
    const payload = new Webhook(WEBHOOK_SECRET).verify(request.body, headersOf(request)) as { data: AlertEvent };
    expect(payload.data.kpi.id).toBe('churn_rate');
  });

  it('fails verification for a tampered body, a wrong secret and a stale timestamp', async () => {
    const { url, seen } = await receiver();
    await destination(url).deliver(churnCritical, attempt());
    const [request] = seen as [SeenRequest];
    const headers = headersOf(request);
    const tampered = request.body.replace('"value":7.2', '"value":2.7');
    expect(tampered).not.toBe(request.body);
    expect(() => new Webhook(WEBHOOK_SECRET).verify(tampered, headers)).toThrow(WebhookVerificationError);
    const otherSecret = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    expect(() => new Webhook(otherSecret).verify(request.body, headers)).toThrow(WebhookVerificationError);

    // Signed six minutes ago: the library's 5-minute replay window rejects it.
    const stale = await receiver();
    await destination(stale.url, () => Date.now() - 6 * 60_000).deliver(churnCritical, attempt());
    const old = stale.seen[0] as SeenRequest;
    expect(() => new Webhook(WEBHOOK_SECRET).verify(old.body, headersOf(old))).toThrow(/too old/);
  });

  it('re-signs every attempt: same webhook-id, fresh timestamp and signature, both verify', async () => {
    const { url, seen } = await receiver();
    let now = Date.now() - 90_000;
    const hook = destination(url, () => now);
    await hook.deliver(churnCritical, attempt(1));
    now += 60_000;
    await hook.deliver(churnCritical, attempt(2));
    const [first, second] = seen as [SeenRequest, SeenRequest];
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(Number(second.headers['webhook-timestamp']) - Number(first.headers['webhook-timestamp'])).toBe(60);
    expect(second.headers['webhook-signature']).not.toBe(first.headers['webhook-signature']);
    expect(second.body).toBe(first.body);
    for (const request of [first, second]) expect(() => new Webhook(WEBHOOK_SECRET).verify(request.body, headersOf(request))).not.toThrow();
  });

  it('refuses an event id that would make the signed content ambiguous, without sending it', async () => {
    const { url, seen } = await receiver();
    await expect(destination(url).deliver({ ...churnCritical, id: 'evt.1' }, attempt())).rejects.toThrow(/must be non-empty and contain no "."/);
    expect(seen).toHaveLength(0);
  });
});
