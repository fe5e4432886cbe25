import { afterEach, describe, expect, it } from 'vitest';
import { postJson } from '../../../src/notify/destinations/post-json.ts';
import { readJson, sendWrite } from '../../../src/notify/targets/target-request.ts';
import { startServer, type Loopback } from '../sdk/loopback-server.ts';

let server: Loopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const base = { headers: {}, timeoutMs: 2_000, signal: new AbortController().signal, secrets: [], now: Date.now };

describe('fetch-based senders refuse link-local and metadata addresses', () => {
  it('an alert POST to 169.254.169.254 is refused before fetch, as a retry that names the opt-in', async () => {
    const result = await postJson({ ...base, url: 'http://169.254.169.254/latest/meta-data/', body: '{}', target: '169.254.169.254' });
    expect(result).toEqual({
      outcome: 'retry',
      error:
        'POST 169.254.169.254 → refused to connect to 169.254.169.254: it is a link-local / cloud-metadata address (169.254.0.0/16, fe80::/10, fd00:ec2::254); if that is intended, set allowLinkLocal: true in its settings',
    });
  });

  it('push target writes and read-backs to fd00:ec2::254 are refused too, with their own method', async () => {
    const url = 'http://[fd00:ec2::254]/latest/api/token';
    const put = await sendWrite({ ...base, method: 'PUT', url, body: '{}', target: '[fd00:ec2::254]' });
    expect(put).toMatchObject({ outcome: 'retry', error: expect.stringMatching(/^PUT \[fd00:ec2::254\] → refused to connect to fd00:ec2::254: it is a link-local/) });
    const read = await readJson({ ...base, method: 'GET', url, target: '[fd00:ec2::254]' });
    expect(read).toMatchObject({ ok: false, result: { outcome: 'retry', error: expect.stringMatching(/^GET .* → refused to connect/) } });
  });

  it('with allowLinkLocal: true the request is attempted (and fails however the network fails, not by refusal)', async () => {
    const result = await postJson({ ...base, timeoutMs: 200, url: 'http://169.254.169.254/hook', body: '{}', target: '169.254.169.254', allowLinkLocal: true });
    expect(result.outcome).toBe('retry');
    expect(JSON.stringify(result)).not.toContain('refused to connect');
  });

  it('ordinary receivers are unaffected', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    expect(await postJson({ ...base, url: `${server.url}/hook`, body: '{}', target: 'loopback' })).toEqual({ outcome: 'delivered', status: 204 });
    expect(server.seen).toHaveLength(1);
  });
});
