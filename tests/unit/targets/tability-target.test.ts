import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryResult } from '../../../src/notify/destinations/destination.ts';
import { tabilityTarget } from '../../../src/notify/targets/tability.target.ts';
import { TABILITY_BASE_URL, tabilityTargetSchema } from '../../../src/notify/targets/target-schemas.ts';
import { nrrMay, oddIdNumericConfidence } from '../../fixtures/targets/push-payloads.ts';
import { json, startServer, type Loopback } from '../sdk/loopback-server.ts';

const REMOTE_TOKEN = 'rct_Zk9+Qm/4xYw=';
const PERSONAL_TOKEN = 'pat_1f2e3d4c5b6a79887766';

const servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const attempt = (number = 1) => ({ number, signal: new AbortController().signal });

async function receiver(answer: (res: ServerResponse, url: string, body: string) => void = (res) => json(res, 200, { ok: true })): Promise<Loopback> {
  const server = await startServer((req, res, _n, body) => answer(res, req.url ?? '', body));
  servers.push(server);
  return server;
}

function target(baseUrl: string) {
  return tabilityTarget(
    tabilityTargetSchema.parse({
      kind: 'tability',
      name: 'tability',
      remoteCheckinsToken: REMOTE_TOKEN,
      personalApiToken: PERSONAL_TOKEN,
      baseUrl,
      timeoutMs: 2_000,
    }),
  );
}

function texts(result: DeliveryResult): string {
  return JSON.stringify(result);
}

describe('tability target', () => {
  it('POSTs to the check-ins webhook with the remote token in the query and the personal token in the body', async () => {
    const server = await receiver();
    expect(await target(server.url).deliver(nrrMay, attempt())).toEqual({ outcome: 'delivered', status: 200 });
    const [request] = server.seen;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(`/webhooks/checkins?remote_checkins_token=${encodeURIComponent(REMOTE_TOKEN)}`);
    expect(new URL(request?.url ?? '', server.url).searchParams.get('remote_checkins_token')).toBe(REMOTE_TOKEN);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({ personal_api_token: PERSONAL_TOKEN, score: '104.2', body: nrrMay.note, confidence: 'green' });
  });

  it("maps a configured number to Tability's colours", async () => {
    const server = await receiver();
    await target(server.url).deliver(oddIdNumericConfidence, attempt());
    expect(JSON.parse(server.seen[0]?.body ?? '')).toMatchObject({ confidence: 'yellow' });
  });

  it('defaults to api.tability.app', () => {
    expect(tabilityTargetSchema.parse({ kind: 'tability', name: 't', remoteCheckinsToken: REMOTE_TOKEN, personalApiToken: PERSONAL_TOKEN }).baseUrl).toBe(
      TABILITY_BASE_URL,
    );
  });

  it('never shows either token, even when the receiver echoes the whole request back', async () => {
    const echo = await receiver((res, url, body) => json(res, 500, { message: `bad request to ${url} with ${body}` }));
    const result = await target(echo.url).deliver(nrrMay, attempt());
    expect(result).toMatchObject({ outcome: 'retry', status: 500 });
    const shown = texts(result);
    for (const secret of [REMOTE_TOKEN, encodeURIComponent(REMOTE_TOKEN), PERSONAL_TOKEN]) expect(shown).not.toContain(secret);
    expect(shown).toContain('[redacted]');
    // The head names the host only; the rest is the receiver's own words, scrubbed.
    expect(result.outcome === 'retry' && result.error).toMatch(
      /^POST 127\.0\.0\.1:\d+ → 500 Internal Server Error: bad request to \/webhooks\/checkins\?remote_checkins_token=\[redacted\] /,
    );
  });

  it('never shows the token in a redirect, a 4xx or a network failure either', async () => {
    const redirect = await receiver((res, url) => {
      res.writeHead(301, { location: `https://api.tability.app${url}` });
      res.end();
    });
    const rejected = await receiver((res, url) => {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end(`token ${REMOTE_TOKEN} in ${url} is not enabled for remote check-ins`);
    });
    const gone = await receiver();
    await gone.close();
    const results = [
      await target(redirect.url).deliver(nrrMay, attempt()),
      await target(rejected.url).deliver(nrrMay, attempt()),
      await target(gone.url).deliver(nrrMay, attempt()),
    ];
    expect(results.map((r) => r.outcome)).toEqual(['failed', 'failed', 'retry']);
    for (const result of results) {
      expect(texts(result)).not.toContain(REMOTE_TOKEN);
      expect(texts(result)).not.toContain(encodeURIComponent(REMOTE_TOKEN));
    }
  });
});
