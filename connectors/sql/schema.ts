import { allowLinkLocalSetting, isLinkLocalAddress, linkLocalCheck, secret, z } from '../../src/sdk/index.ts';

/**
 * The sql connector's settings: the only truth about its config. Nothing here loads
 * a driver; URL settings are only checked for shape, and every message about them
 * names the setting, never the URL (it may hold a password).
 */

export const DIALECTS = ['postgres', 'mysql'] as const;
export type Dialect = (typeof DIALECTS)[number];

export const SSL_MODES = ['disable', 'require', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** URL schemes and the dialect each speaks (MariaDB speaks the MySQL protocol). */
export const URL_SCHEMES: Readonly<Record<string, Dialect>> = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
};

export const DEFAULT_PORTS: Readonly<Record<Dialect, number>> = { postgres: 5432, mysql: 3306 };

/** What a parsed `url` says; undefined fields are absent from it. */
export interface UrlParts {
  dialect: Dialect;
  host: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  ssl?: SslMode;
}

/** The parts of a database URL, or why it is not one. Never quotes the URL. */
export function parseDatabaseUrl(text: string): UrlParts | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not a URL; expected postgres://user:password@host:5432/database or mysql://user:password@host:3306/database';
  }
  const dialect = URL_SCHEMES[url.protocol];
  if (dialect === undefined) return `unsupported scheme "${url.protocol}"; use postgres://, postgresql://, mysql:// or mariadb://`;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') return 'the URL names no host';
  let ssl: SslMode | undefined;
  for (const [key, value] of url.searchParams) {
    if (key !== 'sslmode') return `unsupported URL parameter "${key}"; only sslmode is read, set the others as connection settings`;
    if (!(SSL_MODES as readonly string[]).includes(value)) return `sslmode "${value}" is not supported; use disable, require or verify-full`;
    ssl = value as SslMode;
  }
  const path = decode(url.pathname.replace(/^\//, ''));
  const parts: UrlParts = { dialect, host };
  if (url.port) parts.port = Number(url.port);
  if (path) parts.database = path;
  if (url.username) parts.user = decode(url.username);
  if (url.password) parts.password = decode(url.password);
  if (ssl) parts.ssl = ssl;
  return parts;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const FIELDS_IN_URL = ['host', 'port', 'database', 'user', 'password'] as const;

export const connectionSchema = z
  .strictObject({
    dialect: z.enum(DIALECTS).optional().describe('postgres (PostgreSQL) or mysql (MySQL and MariaDB). Required with host; with url the scheme says it.'),
    url: secret(
      'A database URL instead of host/port/database/user/password: postgres://user:password@host:5432/db or mysql://…; use ${ENV_VAR} or ${file:/path}',
    ).optional(),
    host: z
      .string()
      .min(1)
      .regex(/^[^\s/:@?#]+$|^[0-9a-fA-F:.]+$/, 'a host name or IP address (a URL goes in `url`)')
      .optional()
      .describe('Server host name or IP address (TCP only).'),
    port: z.number().int().min(1).max(65_535).optional().describe('Server port; default 5432 (postgres) or 3306 (mysql).'),
    database: z.string().min(1).optional().describe('Database to connect to (Postgres default: the user name; MySQL: none, name tables as db.table).'),
    user: z.string().min(1).optional().describe('User to log in as; use a read-only role (see the README).'),
    password: secret("The user's password; use ${ENV_VAR} or ${file:/path}").optional(),
    ssl: z
      .enum(SSL_MODES)
      .optional()
      .describe(
        'TLS: disable, require (encrypted, certificate not checked) or verify-full (certificate and host name checked). Default: verify-full, disable for loopback hosts.',
      ),
    sslCa: z
      .string()
      .min(1)
      .optional()
      .describe("PEM file of the CA that signed the server certificate, for verify-full; relative paths resolve against the config file's folder."),
    statementTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(3_600_000)
      .default(30_000)
      .describe('Server-side limit on each query (Postgres statement_timeout, MySQL max_execution_time, MariaDB max_statement_time).'),
    connectTimeoutMs: z.number().int().min(100).max(300_000).default(10_000).describe('Limit on opening a connection (TCP, TLS and login).'),
    poolSize: z.number().int().min(1).max(20).default(2).describe('Most connections this worker keeps open to the server for this connection.'),
    maxBackfillPeriods: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(1_000)
      .describe('Most periods one backfill of a single-number query may query (one query per period); a `rows: true` query is always one query.'),
    allowLinkLocal: allowLinkLocalSetting(),
  })
  .check(linkLocalCheck(['url']))
  .superRefine((settings, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (settings.url !== undefined) {
      for (const field of FIELDS_IN_URL) {
        if (settings[field] !== undefined) issue(field, `give either url or ${field} (with host, user, …), not both`);
      }
      const parts = parseDatabaseUrl(settings.url);
      if (typeof parts === 'string') return issue('url', parts);
      if (settings.dialect !== undefined && settings.dialect !== parts.dialect)
        issue('dialect', `dialect ${settings.dialect} does not match the url's scheme (${parts.dialect})`);
      if (parts.user === undefined) issue('url', 'the URL names no user (postgres://USER:password@host/db)');
      if (settings.ssl !== undefined && parts.ssl !== undefined && settings.ssl !== parts.ssl)
        issue('ssl', `ssl ${settings.ssl} contradicts the url's sslmode (${parts.ssl})`);
      checkCa(settings.sslCa, settings.ssl ?? parts.ssl, issue);
      return;
    }
    if (settings.host === undefined) return issue('host', 'set host (with dialect and user), or url');
    if (settings.dialect === undefined) issue('dialect', 'set dialect: postgres or mysql');
    if (settings.user === undefined) issue('user', 'set user (a read-only role, see the README)');
    // linkLocalCheck reads URLs only; a bare host gets the same rule here.
    if (!settings.allowLinkLocal && isLinkLocalAddress(settings.host)) issue('host', LINK_LOCAL_HOST);
    checkCa(settings.sslCa, settings.ssl, issue);
  });

const LINK_LOCAL_HOST =
  '`host` is a link-local / cloud-metadata address, where cloud credentials are served; connections there are refused unless this connection sets `allowLinkLocal: true`';

function checkCa(ca: string | undefined, ssl: SslMode | undefined, issue: (path: string, message: string) => void): void {
  if (ca !== undefined && ssl !== undefined && ssl !== 'verify-full') issue('sslCa', `sslCa is only read with ssl: verify-full (ssl is ${ssl})`);
}

export type SqlConnection = z.output<typeof connectionSchema>;

export const querySchema = z.strictObject({
  sql: z
    .string()
    .trim()
    .min(1, 'the query is empty')
    .describe(
      'One SQL statement. Without `rows`: it returns one row with one numeric column. The window reaches it only as bind parameters: ' +
        ':window_start, :window_end, :window_start_utc, :window_end_utc, :window_zone, :window_interval.',
    ),
  rows: z.boolean().default(false).describe('The statement returns rows of (instant, value): one query reads every period of a backfill.'),
  whenNull: z.enum(['zero', 'skip']).default('zero').describe('What a NULL value means: 0 (SUM over no rows), or no datapoint for the period.'),
});

export type SqlQuery = z.output<typeof querySchema>;
