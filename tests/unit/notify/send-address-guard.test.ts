import { afterEach, describe, expect, it } from 'vitest';
import { deliveryClient, readJson, send } from '../../../src/notify/send.ts';
import { startServer, type Loopback } from '../sdk/loopback-server.ts';

let server: Loopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const base = { headers: {}, timeoutMs: 2_000, signal: new AbortController().signal, secrets: [], now: Date.now };

describe('deliveries refuse link-local and metadata addresses (the SDK client guards them)', () => {
  it('an alert POST to 169.254.169.254 is not sent: it fails for good, naming the opt-in', async () => {
    const result = await send(deliveryClient(), {
      ...base,
      method: 'POST',
      url: 'http://169.254.169.254/latest/meta-data/',
      body: '{}',
      target: '169.254.169.254',
    });
    expect(result).toMatchObject({
      outcome: 'failed',
      status: 0,
      response: expect.stringMatching(/^POST 169\.254\.169\.254 → not sent: .*169\.254\.169\.254.*allowLinkLocal: true/),
    });
  });

  it('push target writes and read-backs to fd00:ec2::254 are refused too, with their own method', async () => {
    const url = 'http://[fd00:ec2::254]/latest/api/token';
    const put = await send(deliveryClient(), { ...base, method: 'PUT', url, body: '{}', target: '[fd00:ec2::254]' });
    expect(put).toMatchObject({ outcome: 'failed', response: expect.stringMatching(/^PUT \[fd00:ec2::254\] → not sent: .*link-local/) });
    const read = await readJson(deliveryClient(), { ...base, method: 'GET', url, target: '[fd00:ec2::254]' });
    expect(read).toMatchObject({ ok: false, result: { outcome: 'failed', response: expect.stringMatching(/^GET .* → not sent/) } });
  });

  it('with allowLinkLocal: true the request is attempted (and fails however the network fails, not by refusal)', async () => {
    const result = await send(deliveryClient({ allowLinkLocal: true }), {
      ...base,
      method: 'POST',
      timeoutMs: 200,
      url: 'http://169.254.169.254/hook',
      body: '{}',
      target: '169.254.169.254',
    });
    expect(result.outcome).toBe('retry');
    expect(JSON.stringify(result)).not.toContain('link-local');
  });

  it('ordinary receivers are unaffected', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    expect(await send(deliveryClient(), { ...base, method: 'POST', url: `${server.url}/hook`, body: '{}', target: 'loopback' })).toEqual({
      outcome: 'delivered',
      status: 204,
    });
    expect(server.seen).toHaveLength(1);
  });
});
