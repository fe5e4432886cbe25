import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { ConfigError, guardedLookup as sdkGuardedLookup, isLinkLocalAddress, LinkLocalRefusedError, type LookupFunction } from '../../src/sdk/index.ts';
import { DEFAULT_PORTS, parseDatabaseUrl, type Dialect, type SqlConnection, type SslMode } from './schema.ts';

/** Where and how to connect, from the settings, with everything a message may say about it. */
export interface Target {
  dialect: Dialect;
  host: string;
  port: number;
  database: string | undefined;
  user: string;
  password: string | undefined;
  ssl: SslMode;
  /** Absolute path of the CA file, for verify-full. */
  sslCa: string | undefined;
  allowLinkLocal: boolean;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  /** `postgres 127.0.0.1:5432/kpi`: for messages and logs (no user, no password). */
  label: string;
  /** Removes the password (as written, percent-encoded and decoded) and the URL from a text. */
  scrub(text: string): string;
}

const LOOPBACK = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1)$/;

/** The settings, normalised; relative paths resolve against `baseDir` (the config file's folder). */
export function resolveTarget(settings: SqlConnection, baseDir: string): Target {
  let fields: { dialect: Dialect; host: string; port?: number; database?: string; user?: string; password?: string; ssl?: SslMode };
  if (settings.url !== undefined) {
    const parts = parseDatabaseUrl(settings.url);
    // The schema refused this already; settings built in code may skip it.
    if (typeof parts === 'string') throw new ConfigError(`sql connection: url: ${parts}`);
    fields = parts;
  } else {
    fields = { ...settings, dialect: settings.dialect ?? 'postgres', host: settings.host ?? 'localhost' };
  }
  const port = fields.port ?? DEFAULT_PORTS[fields.dialect];
  const ssl = settings.ssl ?? fields.ssl ?? (LOOPBACK.test(fields.host) ? 'disable' : 'verify-full');
  // The password as written in the URL (any percent-encoding), decoded, and re-encoded.
  const written = settings.url === undefined ? undefined : new URL(settings.url).password;
  const secrets = [settings.url, written, fields.password, fields.password && encodeURIComponent(fields.password)].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
  // Longest first, so the URL goes as a whole before its password alone.
  secrets.sort((a, b) => b.length - a.length);
  return {
    dialect: fields.dialect,
    host: fields.host,
    port,
    database: fields.database,
    user: fields.user ?? '',
    password: fields.password,
    ssl,
    sslCa: settings.sslCa === undefined ? undefined : path.resolve(baseDir, settings.sslCa),
    allowLinkLocal: settings.allowLinkLocal === true,
    statementTimeoutMs: settings.statementTimeoutMs,
    connectTimeoutMs: settings.connectTimeoutMs,
    label: `${fields.dialect} ${net.isIPv6(fields.host) ? `[${fields.host}]` : fields.host}:${port}${fields.database ? `/${fields.database}` : ''}`,
    scrub: (text) => secrets.reduce((out, secret) => out.replaceAll(secret, '***'), text),
  };
}

/** TLS options both drivers take (Node's tls.connect options), or undefined for ssl: disable. */
export async function tlsOptions(target: Target): Promise<{ rejectUnauthorized: boolean; ca?: string } | undefined> {
  if (target.ssl === 'disable') return undefined;
  // require: encrypted, but anyone's certificate (libpq's sslmode=require).
  if (target.ssl === 'require') return { rejectUnauthorized: false };
  if (target.sslCa === undefined) return { rejectUnauthorized: true };
  try {
    return { rejectUnauthorized: true, ca: await readFile(target.sslCa, 'utf8') };
  } catch (error) {
    throw new ConfigError(`${target.label}: sslCa ${target.sslCa} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * `lookup` for net.connect that refuses a host any of whose addresses is link-local
 * (169.254.169.254 serves cloud credentials), so a DNS name cannot point this worker
 * there; the SDK's HTTP client does the same for URLs. Undefined with allowLinkLocal.
 */
export function guardedLookup(target: Target): LookupFunction | undefined {
  return target.allowLinkLocal ? undefined : sdkGuardedLookup();
}

/** Refuses a literal link-local host (net.connect does no lookup for an IP address). */
export function assertHostAllowed(target: Target): void {
  if (!target.allowLinkLocal && net.isIP(target.host) !== 0 && isLinkLocalAddress(target.host)) throw new LinkLocalRefusedError(target.host, target.host);
}
