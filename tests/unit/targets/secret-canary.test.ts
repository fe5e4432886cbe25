import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryResult } from '../../../src/notify/destinations/destination.ts';
import { createPushTarget } from '../../../src/notify/targets/create-push-target.ts';
import { targetConfigSchema } from '../../../src/notify/targets/target-schemas.ts';
import { nrrMay } from '../../fixtures/targets/push-payloads.ts';
import { closedPortUrl, startServer, type Loopback } from '../sdk/loopback-server.ts';

/**
 * Every credential of every target kind, set to a canary, sent to receivers that echo
 * the whole request back (URL, headers, body) in every way a response can carry it.
 * No canary may come back in any result, the one thing the dispatcher persists.
 */
const CANARY = {
  quantiveToken: 'CANARYqtvTOKEN7f3a9c',
  remoteCheckinsToken: 'CANARY+rct/TOKEN=8b4d',
  personalApiToken: 'CANARYpatTOKEN9c5e1f',
  teamSecret: 'CANARYteamSECRET0d6f',
  apiKey: 'CANARYgwKEY1e7a2b3c',
  urlPath: 'CANARYurlPATH2f8b3c',
  urlQuery: 'CANARYurlQUERY3a9c4d',
  header: 'CANARYhdrVALUE4b0d5e',
};
const ALL = Object.values(CANARY).flatMap((c) => [c, encodeURIComponent(c)]);

function configs(base: string) {
  return [
    { kind: 'quantive', name: 'quantive', token: CANARY.quantiveToken, accountId: 'acc-1', baseUrl: base },
    { kind: 'tability', name: 'tability', remoteCheckinsToken: CANARY.remoteCheckinsToken, personalApiToken: CANARY.personalApiToken, baseUrl: base },
    { kind: 'okr-tracker', name: 'okr-keyres', baseUrl: base, teamSecret: CANARY.teamSecret, apiKey: CANARY.apiKey },
    { kind: 'okr-tracker', name: 'okr-kpi', baseUrl: base, teamSecret: CANARY.teamSecret, mode: 'kpi' },
    {
      kind: 'http',
      name: 'http',
      method: 'PUT',
      url: `${base}/hooks/${CANARY.urlPath}/{{kr.id}}?token=${CANARY.urlQuery}`,
      headers: { 'X-Custom-Auth': CANARY.header },
      body: { value: '{{value}}' },
    },
  ].map((c) => targetConfigSchema.parse({ ...c, timeoutMs: 300 }));
}

const everything = (req: IncomingMessage, body: string) => `${req.method} ${req.url} ${JSON.stringify(req.headers)} ${body}`;

type Hostile = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const HOSTILE: Record<string, Hostile> = {
  'a 500 echoing the request as JSON': (req, res, body) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: everything(req, body) }));
  },
  'a 400 echoing it as text': (req, res, body) => {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end(everything(req, body));
  },
  'a 422 echoing it in an errors array': (req, res, body) => {
    res.writeHead(422, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ message: everything(req, body) }] }));
  },
  'a redirect to the same URL elsewhere': (req, res) => {
    res.writeHead(307, { location: `https://mirror.example.com${req.url}` });
    res.end();
  },
  'a 200 read-back that is not JSON': (req, res, body) => {
    res.writeHead(req.method === 'GET' ? 200 : 503, { 'content-type': 'text/html' });
    res.end(`<pre>${everything(req, body)}</pre>`);
  },
  'no answer at all': () => undefined,
};

const servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('no target ever shows a credential', () => {
  for (const [name, hostile] of Object.entries(HOSTILE)) {
    it(`against ${name}, on first and repeat attempts`, async () => {
      const server = await startServer((req, res, _n, body) => hostile(req, res, body));
      servers.push(server);
      const results: DeliveryResult[] = [];
      for (const config of configs(server.url)) {
        const target = createPushTarget(config);
        for (const number of [1, 2]) results.push(await target.deliver(nrrMay, { number, signal: new AbortController().signal }));
      }
      expect(results.every((r) => r.outcome !== 'delivered')).toBe(true);
      const shown = JSON.stringify(results);
      for (const canary of ALL) expect(shown).not.toContain(canary);
      // The canaries did travel, so the receivers had them to echo.
      const sent = JSON.stringify(server.seen);
      for (const canary of Object.values(CANARY)) expect(sent.includes(canary) || sent.includes(encodeURIComponent(canary))).toBe(true);
    });
  }

  it('against a refused connection', async () => {
    const base = await closedPortUrl();
    for (const config of configs(base)) {
      const result = await createPushTarget(config).deliver(nrrMay, { number: 2, signal: new AbortController().signal });
      expect(result.outcome).toBe('retry');
      for (const canary of ALL) expect(JSON.stringify(result)).not.toContain(canary);
    }
  });
});
