import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import {
  guardedLookup,
  isLinkLocalAddress,
  linkLocalHost,
  linkLocalRefusal,
  LinkLocalRefusedError,
  type LookupFunction,
} from '../../../src/sdk/address-guard.ts';

/** A resolver that answers every name with `addresses`, and counts what it was asked. */
function fakeDns(addresses: string[]): LookupFunction & { asked: string[] } {
  const asked: string[] = [];
  const lookup = ((hostname, _options, callback) => {
    asked.push(hostname);
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  }) as LookupFunction & { asked: string[] };
  lookup.asked = asked;
  return lookup;
}

describe('isLinkLocalAddress', () => {
  it.each([
    '169.254.169.254',
    '169.254.0.1',
    '169.254.255.255',
    'fe80::1',
    'fe80::1%eth0',
    'FE80::abcd:1',
    'febf:ffff::1',
    '[fe80::1]',
    'fd00:ec2::254',
    'fd00:0ec2:0000:0000:0000:0000:0000:0254',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '0:0:0:0:0:ffff:a9fe:a9fe',
    '::169.254.169.254',
    '64:ff9b::169.254.169.254',
  ])('%s is link-local or metadata', (address) => {
    expect(isLinkLocalAddress(address)).toBe(true);
  });

  it.each([
    '169.253.255.255',
    '169.255.0.0',
    '127.0.0.1',
    '10.0.0.1',
    '192.168.1.1',
    '8.8.8.8',
    '::1',
    '::',
    'fec0::1',
    'fe7f::1',
    'fd00:ec2::253',
    'fd00::254',
    '::ffff:127.0.0.1',
    '::ffff:a9fd:a9fe',
    '2001:db8::a9fe:a9fe',
    'example.com',
    '',
  ])('%s is not', (address) => {
    expect(isLinkLocalAddress(address)).toBe(false);
  });
});

describe('linkLocalHost', () => {
  it('finds a literal link-local host in any spelling the URL parser accepts', () => {
    expect(linkLocalHost('https://169.254.169.254/latest/meta-data/')).toBe('169.254.169.254');
    expect(linkLocalHost('http://[fe80::1]:8080/')).toBe('fe80::1');
    expect(linkLocalHost('http://[::ffff:169.254.169.254]/')).toBe('::ffff:a9fe:a9fe');
    // WHATWG URL reads these as IPv4: decimal and hex forms of 169.254.169.254.
    expect(linkLocalHost('http://2852039166/')).toBe('169.254.169.254');
    expect(linkLocalHost('http://0xa9.0xfe.0xa9.0xfe/')).toBe('169.254.169.254');
  });

  it('leaves host names and other addresses to the request-time check', () => {
    expect(linkLocalHost('http://metadata.google.internal/')).toBeUndefined();
    expect(linkLocalHost('https://api.example.com/')).toBeUndefined();
    expect(linkLocalHost('http://127.0.0.1:8080/')).toBeUndefined();
    expect(linkLocalHost('not a url')).toBeUndefined();
  });
});

describe('guardedLookup', () => {
  const resolve = (lookup: LookupFunction, all: boolean) =>
    new Promise<{ error: Error | null; address: string | LookupAddress[]; family?: number }>((done) =>
      lookup('host.test', { all }, (error, address, family) => done({ error, address, family })),
    );

  it('answers in the shape asked for when no address is link-local', async () => {
    const lookup = guardedLookup(fakeDns(['10.1.2.3', '2001:db8::1']));
    expect(await resolve(lookup, true)).toEqual({
      error: null,
      address: [
        { address: '10.1.2.3', family: 4 },
        { address: '2001:db8::1', family: 6 },
      ],
      family: undefined,
    });
    expect(await resolve(lookup, false)).toEqual({ error: null, address: '10.1.2.3', family: 4 });
  });

  it('refuses a name when any of its addresses is link-local, even one that is not first', async () => {
    for (const addresses of [['169.254.169.254'], ['10.1.2.3', 'fd00:ec2::254'], ['::ffff:169.254.169.254']]) {
      const { error } = await resolve(guardedLookup(fakeDns(addresses)), false);
      expect(error).toBeInstanceOf(LinkLocalRefusedError);
      expect(error?.message).toContain(`refused to connect to host.test: it resolves to ${addresses.find((a) => a !== '10.1.2.3')}`);
    }
  });
});

describe('linkLocalRefusal (for senders on global fetch)', () => {
  it('refuses a literal address without asking DNS', async () => {
    const dns = fakeDns(['10.1.2.3']);
    expect(await linkLocalRefusal('https://169.254.169.254/hook', { lookup: dns })).toBe(
      'refused to connect to 169.254.169.254: it is a link-local / cloud-metadata address (169.254.0.0/16, fe80::/10, fd00:ec2::254); if that is intended, set allowLinkLocal: true in its settings',
    );
    expect(dns.asked).toEqual([]);
  });

  it('refuses a name that resolves to a metadata address, and allows it when allowLinkLocal is set', async () => {
    const dns = fakeDns(['169.254.169.254']);
    expect(await linkLocalRefusal('https://hooks.example.com/x', { lookup: dns })).toMatch(
      /^refused to connect to hooks\.example\.com: it resolves to 169\.254\.169\.254, a link-local/,
    );
    expect(await linkLocalRefusal('https://hooks.example.com/x', { lookup: dns, allowLinkLocal: true })).toBeUndefined();
    expect(dns.asked).toEqual(['hooks.example.com']);
  });

  it('lets ordinary addresses and DNS failures through (fetch reports those itself)', async () => {
    expect(await linkLocalRefusal('https://hooks.example.com/x', { lookup: fakeDns(['93.184.215.14']) })).toBeUndefined();
    const failing: LookupFunction = (_host, _options, callback) => callback(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), '');
    expect(await linkLocalRefusal('https://nowhere.invalid/', { lookup: failing })).toBeUndefined();
  });
});
