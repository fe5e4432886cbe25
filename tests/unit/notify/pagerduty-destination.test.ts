import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { pagerdutyDestination } from '../../../src/notify/destinations/pagerduty.destination.ts';
import { pagerdutyDestinationSchema } from '../../../src/notify/destinations/schemas.ts';
import { churnCritical, churnResolved } from '../../fixtures/notify/alert-events.ts';
import { json, startServer, type Loopback, type SeenRequest } from '../sdk/loopback-server.ts';
import { shapeProblems, type Shape } from './json-shape.ts';

const schema = JSON.parse(readFileSync(new URL('../../fixtures/notify/pagerduty-enqueue.schema.json', import.meta.url), 'utf8')) as { request: Shape };
const ROUTING_KEY = 'R0UT1NGKEYCANARY0000000000000000';
const attempt = { number: 1, signal: new AbortController().signal };

const servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Answers like the Events API: 202 with the dedup_key it filed the event under. */
async function events(answer?: (body: Record<string, unknown>, n: number) => [number, unknown, Record<string, string>?]): Promise<Loopback> {
  const server = await startServer((_req, res, n, raw) => {
    const body = JSON.parse(raw) as Record<string, unknown>;
    const [status, reply, headers] = answer?.(body, n) ?? [202, { status: 'success', message: 'Event processed', dedup_key: body.dedup_key }];
    json(res, status, reply, headers);
  });
  servers.push(server);
  return server;
}

function destination(base: string) {
  return pagerdutyDestination(pagerdutyDestinationSchema.parse({ kind: 'pagerduty', name: 'pager', routingKey: ROUTING_KEY, url: `${base}/v2/enqueue` }));
}

describe('pagerduty destination', () => {
  it('triggers then resolves one incident: same dedup_key, spec-valid bodies, POST /v2/enqueue', async () => {
    const { url, seen } = await events();
    const pager = destination(url);
    expect(await pager.deliver(churnCritical, attempt)).toEqual({ outcome: 'delivered', status: 202 });
    expect(await pager.deliver(churnResolved, attempt)).toEqual({ outcome: 'delivered', status: 202 });
    const [trigger, resolve] = seen.map((r: SeenRequest) => ({ ...r, json: JSON.parse(r.body) as Record<string, unknown> })) as [
      SeenRequest & { json: Record<string, unknown> },
      SeenRequest & { json: Record<string, unknown> },
    ];
    for (const request of [trigger, resolve]) {
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/v2/enqueue');
      expect(request.headers['content-type']).toBe('application/json');
      expect(shapeProblems(schema.request, request.json)).toEqual([]);
      expect(request.json.routing_key).toBe(ROUTING_KEY);
    }
    expect(trigger.json).toMatchObject({ event_action: 'trigger', payload: { severity: 'critical', source: 'kpi-sync' } });
    expect(resolve.json).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: trigger.json.dedup_key });
    expect(trigger.json.dedup_key).toBe(churnCritical.episode);
  });

  it('fails an event PagerDuty cannot read and retries a throttled one after the time it asks for', async () => {
    const invalid = await events(() => [400, { status: 'invalid event', message: 'Event object is invalid', errors: ['Length of summary is too long'] }]);
    expect(await destination(invalid.url).deliver(churnCritical, attempt)).toEqual({
      outcome: 'failed',
      status: 400,
      response: `POST ${new URL(invalid.url).host} → 400 Bad Request: Event object is invalid; Length of summary is too long`,
    });
    const throttled = await events(() => [
      429,
      { status: 'throttle event', message: 'Requests for this service are arriving too quickly.' },
      { 'retry-after': '30' },
    ]);
    expect(await destination(throttled.url).deliver(churnCritical, attempt)).toMatchObject({ outcome: 'retry', status: 429, retryAfterMs: 30_000 });
  });

  it('keeps the routing key out of what it reports, even when the receiver echoes it', async () => {
    const echo = await events((body) => [400, { status: 'invalid event', message: `bad routing_key ${String(body.routing_key)}` }]);
    const result = await destination(echo.url).deliver(churnCritical, attempt);
    expect(result.outcome).toBe('failed');
    expect(JSON.stringify(result)).not.toContain('CANARY');
  });
});
