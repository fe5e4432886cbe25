import { ConfigError } from '../sdk/index.ts';
import { isLoopbackHost } from './auth.ts';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8787;

/** Where the server listens and the token that guards it. */
export interface ServerOptions {
  enabled: boolean;
  host: string;
  port: number;
  token?: string;
}

export interface ServerOptionSources {
  /** `settings.server` from the config. */
  settings?: { enabled?: boolean; host?: string; port?: number; token?: string };
  /** The `--port` flag as typed. */
  portFlag?: string | number;
  env?: Record<string, string | undefined>;
  /** The content of the file KPI_SYNC_TOKEN_FILE names, read by the caller. */
  tokenFromFile?: string;
}

function parsePort(text: string | number, where: string): number {
  const port = typeof text === 'number' ? text : /^\d{1,5}$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${where} must be a port number from 0 to 65535, got ${JSON.stringify(String(text))}`);
  }
  return port;
}

/**
 * The port comes from `--port`, else KPI_SYNC_PORT, else settings.server.port, else
 * 8787; the host from KPI_SYNC_HOST, else the config, else 127.0.0.1; the token from
 * KPI_SYNC_TOKEN or the file KPI_SYNC_TOKEN_FILE names (a Docker or Kubernetes
 * secret), else the config. The image sets KPI_SYNC_HOST=0.0.0.0, so a container
 * publishes its server and refuses to start without a token. Throws a KS_ERR_CONFIG
 * KsError for a bad port, for both token variables at once, and for a host beyond
 * loopback without a token: the read API and the dashboard show business figures,
 * which must not be open to a network.
 */
export function resolveServerOptions(sources: ServerOptionSources): ServerOptions {
  const { settings = {}, env = {} } = sources;
  const envPort = env.KPI_SYNC_PORT?.trim();
  let port = settings.port ?? DEFAULT_PORT;
  if (sources.portFlag !== undefined) port = parsePort(sources.portFlag, '--port');
  else if (envPort) port = parsePort(envPort, 'KPI_SYNC_PORT');
  const host = env.KPI_SYNC_HOST?.trim() || settings.host || DEFAULT_HOST;
  const options: ServerOptions = { enabled: settings.enabled ?? true, host, port };
  // A server that is off binds nothing: the image's KPI_SYNC_HOST=0.0.0.0 asks no token of it.
  if (!options.enabled) return options;
  const token = tokenOf(sources);
  if (token !== undefined) options.token = token;
  assertSafeBinding(options);
  return options;
}

function tokenOf({ settings = {}, env = {}, tokenFromFile }: ServerOptionSources): string | undefined {
  const fromEnv = env.KPI_SYNC_TOKEN;
  if (fromEnv !== undefined && env.KPI_SYNC_TOKEN_FILE) throw new ConfigError('KPI_SYNC_TOKEN and KPI_SYNC_TOKEN_FILE are both set: keep one');
  if (tokenFromFile !== undefined) {
    // A secret file usually ends with a newline; the token is the line.
    const token = tokenFromFile.trim();
    if (token === '') throw new ConfigError(`the file KPI_SYNC_TOKEN_FILE names (${env.KPI_SYNC_TOKEN_FILE}) is empty`);
    return token;
  }
  if (fromEnv !== undefined) {
    if (fromEnv.trim() === '') throw new ConfigError('KPI_SYNC_TOKEN is empty; set it to a long random value or unset it');
    return fromEnv;
  }
  return settings.token;
}

/** Refuses a non-loopback bind address without a token (and an empty or blank token anywhere). */
export function assertSafeBinding(options: { host: string; token?: string | undefined }): void {
  if (options.token !== undefined && options.token.trim() === '') {
    throw new ConfigError('settings.server.token is empty; set it to a long random value (for example ${KPI_SYNC_TOKEN}) or remove it');
  }
  if (!isLoopbackHost(options.host) && !options.token) {
    throw new ConfigError(
      `refusing to serve on ${options.host} without a token: set settings.server.token (for example token: \${KPI_SYNC_TOKEN}) or bind to 127.0.0.1`,
    );
  }
}
