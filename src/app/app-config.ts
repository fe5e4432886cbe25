import { existsSync } from 'node:fs';
import path from 'node:path';
import { EXAMPLES_DIR } from './package-info.ts';
import type { Logger } from 'pino';
import type { Catalog, ConnectorRegistry } from '../config/catalog.ts';
import { loadCatalog } from '../config/load.ts';
import { createConnectorRegistry } from './connector-registry.ts';
import { createLogger } from './logger.ts';
import { Redactor } from './redactor.ts';

export const DEFAULT_CONFIG_DIR = 'config/examples';

/** The options every command shares (commander's global options). */
export interface GlobalOptions {
  config?: string;
  db?: string;
  logLevel?: string;
  json?: boolean;
}

/**
 * Where the config folder is: --config, else KPI_SYNC_CONFIG, else ./config/examples
 * when there is one (a git checkout), else the example config shipped in the package.
 */
export function configDirOf(options: GlobalOptions): string {
  const given = options.config ?? process.env.KPI_SYNC_CONFIG;
  if (given) return path.resolve(given);
  return existsSync(DEFAULT_CONFIG_DIR) ? path.resolve(DEFAULT_CONFIG_DIR) : EXAMPLES_DIR;
}

/** What a process knows before it opens a store: the validated config, and a logger that redacts its secrets. */
export interface AppConfig {
  options: GlobalOptions;
  configDir: string;
  catalog: Catalog;
  logger: Logger;
  redactor: Redactor;
  connectors: ConnectorRegistry;
  /** Secrets from outside the config (a Redis or Postgres URL's password): redacted like the config's. */
  extraSecrets: string[];
  /** Loads the config folder again, through the same connector registry. */
  load(): Promise<Catalog>;
}

export interface AppConfigOptions {
  /**
   * The long-running commands log to stdout (what containers collect); the one-shot
   * ones keep stdout for their table and log to stderr (the default).
   */
  logTo?: 'stdout' | 'stderr';
  /** Default: the built-in connectors plus the packages listed in settings.connectors. */
  connectors?: ConnectorRegistry;
  /** Secrets that are not in the config, for the redactor. */
  secrets?: string[];
  /** Extra checks a catalog must pass at start and on every reload before it replaces the running one. */
  checkCatalog?: (catalog: Catalog) => void;
  /** Where log lines go instead of stdout/stderr (tests). */
  destination?: { write(chunk: string): unknown; isTTY?: boolean };
}

/** Loads and validates the config folder alone (`validate`): no logger, no store. */
export function loadConfigFolder(configDir: string, connectors: ConnectorRegistry = createConnectorRegistry()): Promise<Catalog> {
  return loadCatalog(configDir, { connectors, env: process.env });
}

/** Loads and validates the config folder and builds the redacting logger. Throws ConfigValidationError with every issue. */
export async function loadAppConfig(options: GlobalOptions, configOptions: AppConfigOptions = {}): Promise<AppConfig> {
  const configDir = configDirOf(options);
  const connectors = configOptions.connectors ?? createConnectorRegistry();
  const extraSecrets = [...(configOptions.secrets ?? []), ...urlSecrets(process.env.DATABASE_URL), ...urlSecrets(process.env.REDIS_URL)];
  const redactor = new Redactor(extraSecrets);
  const stream = configOptions.destination ?? (configOptions.logTo === 'stdout' ? process.stdout : process.stderr);
  const logger = createLogger({
    redactor,
    destination: stream,
    pretty: options.json ? false : Boolean((stream as { isTTY?: boolean }).isTTY),
    ...(options.logLevel ? { level: options.logLevel } : {}),
  });
  const load = async () => {
    const next = await loadConfigFolder(configDir, connectors);
    configOptions.checkCatalog?.(next);
    return next;
  };
  const catalog = await load();
  redactor.setSecrets([...catalog.secrets, ...extraSecrets]);
  return { options, configDir, catalog, logger, redactor, connectors, extraSecrets, load };
}

/** The password (and user info) in a URL, for the redactor; nothing for a URL without one. */
export function urlSecrets(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const parsed = new URL(url);
    return [decodeURIComponent(parsed.password)].filter(Boolean);
  } catch {
    return [];
  }
}
