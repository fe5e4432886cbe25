import type { LookupAddress } from 'node:dns';
import { afterEach, describe, expect, it } from 'vitest';
import type { LookupFunction } from '../../src/sdk/address-guard.ts';
import { ConfigError } from '../../src/sdk/errors.ts';
import { createHttpClient } from '../../src/sdk/http.ts';
import { rejection } from '../helpers/rejection.ts';
import { json, startServer, type Loopback } from '../unit/sdk/loopback-server.ts';

let server: Loopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * DNS as an attacker who controls a name would set it up. The name is `localhost`
 * because the test setup lets nock pass only loopback names through; what it resolves
 * to is entirely this resolver's answer.
 */
function resolvesTo(...addresses: string[]): LookupFunction & { calls: number } {
  const lookup = ((_hostname, options, callback) => {
    lookup.calls += 1;
    const all: LookupAddress[] = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (options.all) callback(null, all);
    else callback(null, all[0]!.address, all[0]!.family);
  }) as LookupFunction & { calls: number };
  lookup.calls = 0;
  return lookup;
}

function viaName(url: string, path = '/latest/meta-data/iam'): string {
  return `${url.replace('127.0.0.1', 'localhost')}${path}`;
}

describe('the SDK client refuses link-local and metadata addresses', () => {
  it('refuses a host name that resolves to 169.254.169.254 before anything is sent, without retrying', async () => {
    server = await startServer((_req, res) => json(res, 200, { AccessKeyId: 'stolen' }));
    const lookup = resolvesTo('169.254.169.254');
    const attempts: unknown[] = [];
    const client = createHttpClient({ lookup, attempts: 4, baseDelayMs: 1, onAttempt: (event) => attempts.push(event) });
    const error = await rejection<ConfigError>(client.request({ url: viaName(server.url) }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe('KS_ERR_CONFIG');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'refused to connect to localhost: it resolves to 169.254.169.254, a link-local / cloud-metadata address (169.254.0.0/16, fe80::/10, fd00:ec2::254); if that is intended, set allowLinkLocal: true in its settings',
    );
    expect(server.seen).toEqual([]);
    expect(lookup.calls).toBe(1);
    expect(attempts).toHaveLength(1);
  });

  it('refuses a name with one ordinary and one metadata address (the connection could pick either)', async () => {
    server = await startServer((_req, res) => json(res, 200, {}));
    const client = createHttpClient({ lookup: resolvesTo('127.0.0.1', '::ffff:169.254.169.254'), attempts: 1 });
    expect((await rejection<Error>(client.request({ url: viaName(server.url) }))).message).toMatch(/resolves to ::ffff:169\.254\.169\.254/);
    expect(server.seen).toEqual([]);
  });

  it('connects when the connection sets allowLinkLocal: true', async () => {
    server = await startServer((_req, res) => json(res, 200, { ok: true }));
    const lookup = resolvesTo('127.0.0.1', '169.254.169.254');
    const client = createHttpClient({ lookup, allowLinkLocal: true, attempts: 1 });
    const res = await client.request<{ ok: boolean }>({ url: viaName(server.url) });
    expect(res.data).toEqual({ ok: true });
    expect(server.seen.map((seen) => seen.url)).toEqual(['/latest/meta-data/iam']);
    expect(lookup.calls).toBeGreaterThanOrEqual(1);
  });

  it('resolves names through the guard and connects to an ordinary address', async () => {
    server = await startServer((_req, res) => json(res, 200, { ok: true }));
    const lookup = resolvesTo('127.0.0.1');
    const client = createHttpClient({ lookup, attempts: 1 });
    expect((await client.request<{ ok: boolean }>({ url: viaName(server.url, '/ok') })).data).toEqual({ ok: true });
    expect(lookup.calls).toBe(1);
  });

  it('refuses a literal metadata URL (no DNS involved) with the same error', async () => {
    const lookup = resolvesTo('127.0.0.1');
    const client = createHttpClient({ lookup, attempts: 3, baseDelayMs: 1 });
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/latest/', 'http://[::ffff:169.254.169.254]/']) {
      const error = await rejection<ConfigError>(client.request({ url }));
      expect(error, url).toBeInstanceOf(ConfigError);
      expect(error.message, url).toMatch(/^refused to connect to [0-9a-f:.]+: it is a link-local \/ cloud-metadata address/);
    }
    expect(lookup.calls).toBe(0);
  });
});
