import type { Logger } from 'pino';
import { BadResponseError, type Diagnostics, type HttpClient, type HttpResponse } from '../../src/sdk/index.ts';
import { requestToken, secretsOf, type Session } from './auth.ts';
import { pauseConnection } from './budget.ts';
import { RequestLimitExceededError, SessionExpiredError, restErrorMapper } from './errors.ts';
import { parseLimitInfo, parseQueryPage, type QueryPage } from './map.ts';
import { readRefreshToken, refreshTokenPath, writeRefreshToken } from './refresh-token-file.ts';
import { resolveLoginUrl, type SalesforceConnection } from './schema.ts';
import { stateFor, type ConnectionState } from './state.ts';

export interface ClientOptions {
  http: HttpClient;
  logger: Logger;
  baseDir: string;
  /** Present in fetch (not in check): API calls and usage are reported to the sync run. */
  diagnostics?: Diagnostics;
  /** The KPI being synced, so REQUEST_LIMIT_EXCEEDED can pause the connection until its next run. */
  kpi?: string;
  now?: () => number;
}

interface GetOptions {
  query?: Record<string, string>;
  /** Base for a relative path: the instance (API calls) or the login host (identity). */
  base?: 'instance' | 'login';
  /** Set for resources under /services/data/vXX.X, so a 404 there reads as a wrong apiVersion. */
  versioned?: boolean;
}

/**
 * REST calls to one Salesforce connection, through the sdk's HttpClient (timeouts,
 * retries with backoff, Retry-After, typed errors) rather than jsforce's Connection,
 * whose transport has none of these per connection and whose session refresh retries
 * by its own rules. Tokens come from jsforce's OAuth2 (auth.ts).
 */
export class SalesforceClient {
  readonly #connection: SalesforceConnection;
  readonly #options: ClientOptions;
  readonly #state: ConnectionState;
  readonly #now: () => number;

  constructor(connection: SalesforceConnection, options: ClientOptions) {
    this.#connection = connection;
    this.#options = options;
    this.#state = stateFor(connection);
    this.#now = options.now ?? Date.now;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** A valid session: the cached one unless it is `stale`, else one shared login. */
  async session(stale?: string): Promise<Session> {
    const state = this.#state;
    if (state.session && state.session.accessToken !== stale) return state.session;
    if (!state.login) {
      state.login = this.#login().finally(() => {
        state.login = undefined;
      });
    }
    return state.login;
  }

  async #login(): Promise<Session> {
    const { auth } = this.#connection;
    const tokenFile = auth.flow === 'refreshToken' && auth.refreshTokenFile ? refreshTokenPath(auth.refreshTokenFile, this.#options.baseDir) : undefined;
    let presented: string | undefined;
    if (auth.flow === 'refreshToken') {
      // The file wins: another process may have rotated the token since we last did.
      presented = (tokenFile ? await readRefreshToken(tokenFile) : undefined) ?? this.#state.rotatedRefreshToken ?? auth.refreshToken;
    }
    this.#state.session = undefined;
    const session = await requestToken(this.#connection, this.#options.http, presented, this.#now());
    if (presented !== undefined && session.refreshToken !== undefined && session.refreshToken !== presented) {
      await this.#keepRotated(session.refreshToken, tokenFile);
    }
    this.#state.session = session;
    this.#options.logger.debug({ flow: auth.flow, org: session.orgId }, 'salesforce: logged in');
    return session;
  }

  async #keepRotated(token: string, file: string | undefined): Promise<void> {
    this.#state.rotatedRefreshToken = token;
    const logger = this.#options.logger;
    if (file) {
      try {
        await writeRefreshToken(file, token);
        logger.info({ file }, 'salesforce: refresh token rotated and saved');
      } catch (error) {
        // The token is still kept in memory; only a restart would lose it.
        logger.error({ file, err: { message: (error as Error).message } }, 'salesforce: rotated refresh token could not be saved');
      }
    } else if (!this.#state.warnedUnpersistedRotation) {
      this.#state.warnedUnpersistedRotation = true;
      logger.warn('salesforce: the app rotates refresh tokens; set auth.refreshTokenFile so a restart does not lose the newest one');
    }
  }

  /** Every credential this connection holds, the live access token included. */
  secrets(): string[] {
    return secretsOf(this.#connection.auth, [this.#state.session?.accessToken, this.#state.rotatedRefreshToken]);
  }

  /**
   * GET with the bearer token. An expired session (401 INVALID_SESSION_ID) logs in again
   * and retries once; REQUEST_LIMIT_EXCEEDED pauses the connection. Usage from
   * Sforce-Limit-Info is recorded from every answer, errors included.
   */
  async get<T>(pathOrUrl: string, options: GetOptions = {}): Promise<HttpResponse<T>> {
    let stale: string | undefined;
    for (let attempt = 1; ; attempt += 1) {
      const session = await this.session(stale);
      const base = options.base === 'login' ? resolveLoginUrl(this.#connection.loginUrl) : session.instanceUrl;
      const url = this.#resolve(base, pathOrUrl);
      const target = `GET ${url.host}${url.pathname}`;
      const mapper = restErrorMapper(target, options.versioned ? this.#connection.apiVersion : undefined, () => this.secrets());
      try {
        const response = await this.#options.http.request<T>({
          url: url.href,
          ...(options.query ? { query: options.query } : {}),
          headers: { authorization: `Bearer ${session.accessToken}` },
          mapError: (res) => {
            this.#observe(res.headers);
            return mapper(res);
          },
        });
        this.#observe(response.headers);
        return response;
      } catch (error) {
        if (error instanceof SessionExpiredError && attempt === 1) {
          this.#options.logger.info('salesforce: session expired or invalid; logging in again and retrying once');
          stale = session.accessToken;
          continue;
        }
        if (error instanceof RequestLimitExceededError) pauseConnection(this.#state, error.message, this.#options.kpi);
        throw error;
      }
    }
  }

  #resolve(base: string, pathOrUrl: string): URL {
    const url = new URL(pathOrUrl, `${base}/`);
    // nextRecordsUrl is a path on the instance; anything pointing elsewhere would carry our token away.
    if (url.origin !== new URL(base).origin) throw new BadResponseError(`refusing to send the session to ${url.origin}: not ${new URL(base).origin}`);
    return url;
  }

  #observe(headers: Record<string, string>): void {
    this.#options.diagnostics?.count('apiCalls');
    const usage = parseLimitInfo(headers['sforce-limit-info']);
    if (!usage) return;
    this.#state.usage = { ...usage, at: this.#now() };
    this.#options.diagnostics?.apiUsage(usage.used, usage.limit);
  }

  /** Pages of a SOQL query, following nextRecordsUrl; a caller that has its answer stops iterating and no more pages are fetched. */
  async *query(soql: string, includeDeleted: boolean): AsyncGenerator<QueryPage> {
    const resource = includeDeleted ? 'queryAll' : 'query';
    let response = await this.get<unknown>(`/services/data/v${this.#connection.apiVersion}/${resource}`, { query: { q: soql }, versioned: true });
    for (;;) {
      const page = parseQueryPage(response.data, `GET ${resource}`);
      yield page;
      if (page.done || page.nextRecordsUrl === undefined) return;
      response = await this.get<unknown>(page.nextRecordsUrl, { versioned: true });
    }
  }
}
