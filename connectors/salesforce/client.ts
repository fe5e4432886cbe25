import type { Logger } from 'pino';
import { AuthError, BadResponseError, type Diagnostics, type HttpClient, type HttpResponse } from '../../src/sdk/index.ts';
import { requestToken, secretsOf, type Session } from './auth.ts';
import { pauseConnection } from './budget.ts';
import { RequestLimitExceededError, SessionExpiredError, restErrorMapper } from './errors.ts';
import { loginOnce } from './login-flight.ts';
import { parseLimitInfo, parseQueryPage, type QueryPage } from './map.ts';
import { readRefreshToken, refreshTokenPath, writeRefreshToken } from './refresh-token-file.ts';
import { resolveLoginUrl, type SalesforceConnection } from './schema.ts';
import type { SharedState, UsageReading } from './state.ts';

export interface ClientOptions {
  http: HttpClient;
  logger: Logger;
  baseDir: string;
  /** The connection's shared state (`ctx.connectionState`): session, refresh token, usage, pause. */
  state: SharedState;
  /** Present in fetch (not in check): API calls and usage are reported to the sync run. */
  diagnostics?: Diagnostics;
  /** The KPI being synced, so REQUEST_LIMIT_EXCEEDED can pause the connection until its next run. */
  kpi?: string;
  /** `check`: log in even when another run left a session, so the credentials themselves are proven. */
  freshLogin?: boolean;
  now?: () => number;
}

interface GetOptions {
  query?: Record<string, string>;
  /** Base for a relative path: the instance (API calls) or the login host (identity). */
  base?: 'instance' | 'login';
  /** Set for resources under /services/data/vXX.X, so a 404 there reads as a wrong apiVersion. */
  versioned?: boolean;
}

/** The token endpoint refused the grant itself (a revoked, expired or already rotated refresh token). */
function isInvalidGrant(error: unknown): boolean {
  return error instanceof AuthError && (error.cause as { error?: unknown } | undefined)?.error === 'invalid_grant';
}

/**
 * REST calls to one Salesforce connection for one run, through the sdk's HttpClient
 * (timeouts, retries with backoff, Retry-After, typed errors) rather than jsforce's
 * Connection, whose transport has none of these per connection and whose session
 * refresh retries by its own rules. Tokens come from jsforce's OAuth2 (auth.ts). What
 * outlives the run is written to the connection's shared state (state.ts).
 */
export class SalesforceClient {
  readonly #connection: SalesforceConnection;
  readonly #options: ClientOptions;
  readonly #state: SharedState;
  readonly #now: () => number;
  #session: Session | undefined;
  #usage: UsageReading | undefined;
  #usageUnsaved = false;
  /** Access and refresh tokens this run has handled, scrubbed from every message. */
  readonly #tokens = new Set<string>();

  constructor(connection: SalesforceConnection, options: ClientOptions) {
    this.#connection = connection;
    this.#options = options;
    this.#state = options.state;
    this.#now = options.now ?? Date.now;
  }

  /** The last usage reading of this run's answers. */
  get usage(): UsageReading | undefined {
    return this.#usage;
  }

  /** A valid session: this run's, else the one another run shared unless it is `stale`, else one login. */
  async session(stale?: string): Promise<Session> {
    if (this.#session && this.#session.accessToken !== stale) return this.#session;
    if (!(this.#options.freshLogin && this.#session === undefined)) {
      const shared = await this.#state.session();
      if (shared && shared.accessToken !== stale) return this.#use(shared);
    }
    return this.#use(await loginOnce(this.#connection, () => this.#login()));
  }

  #use(session: Session): Session {
    this.#tokens.add(session.accessToken);
    this.#session = session;
    return session;
  }

  async #login(): Promise<Session> {
    const { auth } = this.#connection;
    if (auth.flow !== 'refreshToken') return this.#exchange(undefined, undefined);
    const file = auth.refreshTokenFile ? refreshTokenPath(auth.refreshTokenFile, this.#options.baseDir) : undefined;
    const presented = (await this.#refreshTokens(file))[0] as string;
    try {
      return await this.#exchange(presented, file);
    } catch (error) {
      if (!isInvalidGrant(error)) throw error;
      // Another process may have rotated the token between our read and our request, which
      // invalidates the one we presented: one more try with what the state or file holds now.
      const other = (await this.#refreshTokens(file)).find((token) => token !== presented);
      if (other === undefined) throw error;
      this.#options.logger.info('salesforce: the refresh token was refused; trying the other one known (rotated by another process?)');
      // Refused again: the first refusal (of the newest token) is the one to report.
      return this.#exchange(other, file).catch((again: unknown) => Promise.reject(isInvalidGrant(again) ? error : again));
    }
  }

  /** Refresh tokens to present, newest first: the shared state's, the file's, the configured one. */
  async #refreshTokens(file: string | undefined): Promise<string[]> {
    const auth = this.#connection.auth;
    const configured = auth.flow === 'refreshToken' ? auth.refreshToken : undefined;
    const candidates = [await this.#state.refreshToken(), file ? await readRefreshToken(file) : undefined, configured];
    const tokens = [...new Set(candidates.filter((t): t is string => t !== undefined))];
    for (const token of tokens) this.#tokens.add(token);
    return tokens;
  }

  async #exchange(presented: string | undefined, file: string | undefined): Promise<Session> {
    const session = await requestToken(this.#connection, this.#options.http, presented, this.#now());
    this.#tokens.add(session.accessToken);
    if (presented !== undefined && session.refreshToken !== undefined && session.refreshToken !== presented) {
      await this.#keepRotated(session.refreshToken, file);
    }
    await this.#state.saveSession(session);
    this.#options.logger.debug({ flow: this.#connection.auth.flow, org: session.orgId }, 'salesforce: logged in');
    return session;
  }

  /** Salesforce has just invalidated the token we presented: the new one must reach every process and outlive this one. */
  async #keepRotated(token: string, file: string | undefined): Promise<void> {
    this.#tokens.add(token);
    const logger = this.#options.logger;
    const [stored, written] = await Promise.allSettled([this.#state.saveRefreshToken(token), file ? writeRefreshToken(file, token) : Promise.resolve()]);
    if (stored.status === 'rejected') {
      logger.error({ err: { message: (stored.reason as Error).message } }, 'salesforce: rotated refresh token could not be kept in the connection state');
    }
    if (file && written.status === 'fulfilled') logger.info({ file }, 'salesforce: refresh token rotated and saved');
    if (written.status === 'rejected') {
      logger.error({ file, err: { message: (written.reason as Error).message } }, 'salesforce: rotated refresh token could not be saved');
    }
    if (!file && stored.status === 'fulfilled' && (await this.#state.firstTime('rotationWarned'))) {
      logger.warn(
        'salesforce: the app rotates refresh tokens; the newest is kept in the store for these connection settings only: set auth.refreshTokenFile so changed settings or a new store do not lose it',
      );
    }
  }

  /** Every credential this connection holds, the live access token included. */
  secrets(): string[] {
    return secretsOf(this.#connection.auth, [...this.#tokens]);
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
        await this.#saveUsage();
        return response;
      } catch (error) {
        await this.#recordFailure(error);
        if (error instanceof SessionExpiredError && attempt === 1) {
          this.#options.logger.info('salesforce: session expired or invalid; logging in again and retrying once');
          stale = session.accessToken;
          continue;
        }
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
    this.#usage = { ...usage, at: this.#now() };
    this.#usageUnsaved = true;
    this.#options.diagnostics?.apiUsage(usage.used, usage.limit);
  }

  async #saveUsage(): Promise<void> {
    if (!this.#usage || !this.#usageUnsaved) return;
    this.#usageUnsaved = false;
    await this.#state.saveUsage(this.#usage);
  }

  /** Usage and a pause are recorded for every process; a store failure here is logged, never put in place of Salesforce's error. */
  async #recordFailure(error: unknown): Promise<void> {
    try {
      await this.#saveUsage();
      if (error instanceof RequestLimitExceededError) await pauseConnection(this.#state, error.message, this.#options.kpi, this.#now());
    } catch (stateError) {
      this.#options.logger.warn(
        { err: { message: (stateError as Error).message } },
        'salesforce: usage or pause could not be recorded in the connection state',
      );
    }
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
