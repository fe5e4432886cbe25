import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import net from 'node:net';
import type { AxiosInstance } from 'axios';
import { ConfigError } from './errors.ts';

/**
 * Outbound requests never reach link-local or cloud-metadata addresses unless the
 * connection says so (`allowLinkLocal: true`). 169.254.169.254 (and fd00:ec2::254 on
 * AWS) answers with the machine's cloud credentials to anyone who asks; a URL in a
 * config, a URL an API hands back (Salesforce's `instance_url`) or a DNS name someone
 * else controls must not be able to point this worker at it (SSRF). The check runs twice: on the literal
 * host when the config loads (url.ts), and on every address a host name resolves to,
 * inside the connection itself (a custom `lookup`), so a name that resolves to
 * 169.254.169.254 is refused too and there is no gap between check and connect.
 */

/** The setting that turns the guard off for one connection, destination or target. */
export const ALLOW_LINK_LOCAL = 'allowLinkLocal';

/** What is refused, for messages. */
export const LINK_LOCAL_RANGES = '169.254.0.0/16, fe80::/10, fd00:ec2::254';

/** Node's `lookup` shape (net.connect, http.request, axios's `lookup` option). */
export type LookupFunction = (
  hostname: string,
  options: LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/** Seams for tests: a resolver to stand in for DNS. */
export interface AddressGuardHooks {
  /** Default dns.lookup. */
  lookup?: LookupFunction;
}

export interface AddressGuardOptions extends AddressGuardHooks {
  allowLinkLocal?: boolean | undefined;
}

/** Refused by the guard. Never retried: the fix is a config change or a DNS change. */
export class LinkLocalRefusedError extends ConfigError {
  constructor(host: string, address: string) {
    const what = host === address ? 'it is' : `it resolves to ${address},`;
    super(
      `refused to connect to ${host}: ${what} a link-local / cloud-metadata address (${LINK_LOCAL_RANGES}); if that is intended, set ${ALLOW_LINK_LOCAL}: true in its settings`,
    );
  }
}

function ipv4Bytes(text: string): number[] | undefined {
  if (!net.isIPv4(text)) return undefined;
  return text.split('.').map(Number);
}

function ipv6Bytes(text: string): number[] | undefined {
  let address = text.replace(/%.*$/, '');
  if (!net.isIPv6(address)) return undefined;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
  if (tail !== undefined) {
    // ::ffff:169.254.169.254 → ::ffff:a9fe:a9fe, so only one form is left to parse.
    const [a, b, c, d] = ipv4Bytes(tail)!;
    address = `${address.slice(0, -tail.length)}${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`;
  }
  const [head = '', rest] = address.split('::');
  const front = head === '' ? [] : head.split(':');
  const back = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = rest === undefined ? front : [...front, ...Array<string>(8 - front.length - back.length).fill('0'), ...back];
  return groups.flatMap((group) => {
    const value = Number.parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

const AWS_IMDS_V6 = ipv6Bytes('fd00:ec2::254')!;

function isLinkLocalV4(bytes: readonly number[]): boolean {
  return bytes[0] === 169 && bytes[1] === 254;
}

function zeros(bytes: readonly number[], from: number, to: number): boolean {
  return bytes.slice(from, to).every((b) => b === 0);
}

/**
 * True for 169.254.0.0/16, fe80::/10 and fd00:ec2::254, and for an IPv4 link-local
 * address written as IPv6: mapped (::ffff:169.254.x.x), compatible (::169.254.x.x) or
 * behind the NAT64 well-known prefix (64:ff9b::169.254.x.x), all of which reach it.
 */
export function isLinkLocalAddress(address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  const v4 = ipv4Bytes(bare);
  if (v4) return isLinkLocalV4(v4);
  const v6 = ipv6Bytes(bare);
  if (!v6) return false;
  if (v6[0] === 0xfe && (v6[1]! & 0xc0) === 0x80) return true;
  if (v6.every((b, i) => b === AWS_IMDS_V6[i])) return true;
  const embedded = v6.slice(12);
  if (zeros(v6, 0, 10) && v6[10] === 0xff && v6[11] === 0xff) return isLinkLocalV4(embedded);
  if (zeros(v6, 0, 12)) return isLinkLocalV4(embedded);
  if (v6[0] === 0x00 && v6[1] === 0x64 && v6[2] === 0xff && v6[3] === 0x9b && zeros(v6, 4, 12)) return isLinkLocalV4(embedded);
  return false;
}

/** The URL's host without IPv6 brackets, or undefined when `text` is not a URL. */
function hostOf(text: string): string | undefined {
  try {
    return new URL(text).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
}

/**
 * The literal link-local address a URL names as its host (`https://169.254.169.254/`,
 * `http://[fe80::1]/`, and the WHATWG spellings of them such as `http://2852039166/`),
 * or undefined. Host names are left to the request-time check: DNS may change.
 */
export function linkLocalHost(url: string): string | undefined {
  const host = hostOf(url);
  return host !== undefined && net.isIP(host) !== 0 && isLinkLocalAddress(host) ? host : undefined;
}

/** `lookup` that refuses a host when ANY of its addresses is link-local: connecting may pick any of them. */
export function guardedLookup(base: LookupFunction = dns.lookup as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    base(hostname, { ...options, all: true }, (error, found) => {
      if (error) {
        callback(error, '');
        return;
      }
      const addresses = Array.isArray(found) ? found : [{ address: found, family: net.isIP(found) }];
      const refused = addresses.find((entry) => isLinkLocalAddress(entry.address));
      if (refused) callback(new LinkLocalRefusedError(hostname, refused.address), '');
      else if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/**
 * Installs the guard on the SDK client's axios instance: a literal link-local host is
 * refused before anything is sent, and every host name is resolved through
 * guardedLookup (axios's Node adapter passes `lookup` on to http.request).
 */
export function guardAddresses(instance: AxiosInstance, options: AddressGuardOptions): void {
  const lookup = options.allowLinkLocal ? options.lookup : guardedLookup(options.lookup);
  instance.interceptors.request.use((config) => {
    const literal = options.allowLinkLocal || config.url === undefined ? undefined : linkLocalHost(config.url);
    if (literal !== undefined) throw new LinkLocalRefusedError(literal, literal);
    // axios's types want LookupAddress objects; its Node adapter also takes Node's own (address, family) answer.
    if (lookup) config.lookup = lookup as unknown as NonNullable<typeof config.lookup>;
    return config;
  });
}

/** The guard's refusal inside an error from axios or Node (it arrives as `cause`), if that is what it is. */
export function addressRefusal(error: unknown): LinkLocalRefusedError | undefined {
  for (let at = error, depth = 0; at !== null && typeof at === 'object' && depth < 5; at = (at as { cause?: unknown }).cause, depth += 1) {
    if (at instanceof LinkLocalRefusedError) return at;
  }
  return undefined;
}

/** dns.lookup with every address, as a promise. */
function lookupAll(lookup: LookupFunction, host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    lookup(host, { all: true }, (error, found) => {
      if (error) reject(error);
      else resolve(Array.isArray(found) ? found : [{ address: found, family: net.isIP(found) }]);
    });
  });
}

/**
 * For senders that use Node's global fetch (alert destinations, push targets), which
 * takes no `lookup`: resolves the URL's host and says why it is refused, or undefined.
 * A DNS failure is left to fetch to report. Weaker than the SDK client's guard: fetch
 * resolves again, so a name that changes its answer in between is not caught.
 */
export async function linkLocalRefusal(url: string, options: AddressGuardOptions = {}): Promise<string | undefined> {
  if (options.allowLinkLocal) return undefined;
  const host = hostOf(url);
  if (host === undefined) return undefined;
  if (net.isIP(host) !== 0) return isLinkLocalAddress(host) ? new LinkLocalRefusedError(host, host).message : undefined;
  let addresses: LookupAddress[];
  try {
    addresses = await lookupAll(options.lookup ?? (dns.lookup as LookupFunction), host);
  } catch {
    return undefined;
  }
  const refused = addresses.find((entry) => isLinkLocalAddress(entry.address));
  return refused ? new LinkLocalRefusedError(host, refused.address).message : undefined;
}
