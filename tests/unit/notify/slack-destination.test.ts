import { afterEach, describe, expect, it } from 'vitest';
import { slackDestinationSchema } from '../../../src/notify/destinations/schemas.ts';
import { slackDestination } from '../../../src/notify/destinations/slack.destination.ts';
import { slackMessage } from '../../../src/notify/destinations/slack.message.ts';
import { churnCritical } from '../../fixtures/notify/alert-events.ts';
import { startServer, type Loopback, type SeenRequest } from '../sdk/loopback-server.ts';

const servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const HOOK_PATH = '/services/T0CANARY1/B0CANARY2/CanaryCanaryCanaryCanary';
const attempt = { number: 1, signal: new AbortController().signal };

/** Answers like Slack: a status and a short text body. */
async function slack(status: number, text: string): Promise<Loopback> {
  const server = await startServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(text);
  });
  servers.push(server);
  return server;
}

function destination(base: string) {
  return slackDestination(slackDestinationSchema.parse({ kind: 'slack', name: 'chat', url: `${base}${HOOK_PATH}`, dashboardUrl: 'https://dash.example.com' }));
}

describe('slack destination', () => {
  it('POSTs the Block Kit message as JSON to the webhook URL; 200 "ok" is delivered', async () => {
    const { url, seen } = await slack(200, 'ok');
    expect(await destination(url).deliver(churnCritical, attempt)).toEqual({ outcome: 'delivered', status: 200 });
    const [request] = seen as [SeenRequest];
    expect(request.method).toBe('POST');
    expect(request.url).toBe(HOOK_PATH);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('kpi-sync');
    expect(JSON.parse(request.body)).toEqual(slackMessage(churnCritical, { dashboardUrl: 'https://dash.example.com' }));
  });

  it("maps Slack's error texts through the shared classification", async () => {
    const invalid = await slack(400, 'invalid_payload');
    expect(await destination(invalid.url).deliver(churnCritical, attempt)).toEqual({
      outcome: 'failed',
      status: 400,
      response: `POST ${new URL(invalid.url).host} → 400 Bad Request: invalid_payload`,
    });
    const gone = await slack(410, 'channel_is_archived');
    expect(await destination(gone.url).deliver(churnCritical, attempt)).toMatchObject({ outcome: 'failed', status: 410, disable: true });
    const noService = await slack(404, 'no_service');
    const result = await destination(noService.url).deliver(churnCritical, attempt);
    expect(result).toMatchObject({ outcome: 'failed', status: 404 });
    expect(result).not.toHaveProperty('disable');
    const rollup = await slack(500, 'rollup_error');
    expect(await destination(rollup.url).deliver(churnCritical, attempt)).toMatchObject({ outcome: 'retry', status: 500 });
  });

  it('never names the webhook path, which is the credential', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`no_service for ${req.url ?? ''} (token ${HOOK_PATH.split('/').at(-1) ?? ''})`);
    });
    servers.push(server);
    const result = await destination(server.url).deliver(churnCritical, attempt);
    expect(result.outcome).toBe('failed');
    const text = JSON.stringify(result);
    expect(text).not.toContain('Canary');
    expect(text).not.toContain('T0CANARY1');
    expect(text).toContain('no_service');
  });
});
