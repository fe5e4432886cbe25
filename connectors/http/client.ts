import type { Logger } from 'pino';
import { ConfigError, type ConnectionState, type HttpClient, type HttpResponse } from '../../src/sdk/index.ts';
import { createAuthenticator, type Authenticator } from './auth.ts';
import type { HttpConnection, HttpQuery } from './schema.ts';
import { renderBody, renderPath, renderRecord } from './template.ts';

/** One request, rendered for one period: an absolute URL on the connection's origin. */
export interface RenderedRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

export interface HttpSource {
  /** Sends with the connection's credentials; on a 401, renews an OAuth token once and sends again. */
  send(request: RenderedRequest, responseType?: 'json' | 'text'): Promise<HttpResponse<unknown>>;
  /** Whether `url` may receive this connection's credentials (same origin as the base URL). */
  sameOrigin(url: string): boolean;
  /** `host/path` of a URL, for messages (no query string: it may hold tokens). */
  describe(url: string): string;
}

export function createSource(options: { connection: HttpConnection; http: HttpClient; state: ConnectionState; logger: Logger }): HttpSource {
  const { connection, http, logger } = options;
  const origin = new URL(connection.baseUrl).origin;
  const auth: Authenticator = createAuthenticator({ connection, http, state: options.state, logger });
  let renewed = false;

  return {
    async send(request, responseType = 'json') {
      for (;;) {
        // Credentials last: a query's own headers never replace them.
        const headers = { ...request.headers, ...(await auth.headers()) };
        try {
          return await http.request({ method: request.method, url: request.url, headers, body: request.body, responseType });
        } catch (error) {
          // A token revoked or expired before its time: renew it once per fetch, then believe the 401.
          if ((error as { code?: unknown }).code !== 'KS_ERR_AUTH' || renewed) throw error;
          renewed = true;
          if (!(await auth.renew())) throw error;
          logger.info('the API refused the access token; renewed it and sending again');
        }
      }
    },
    sameOrigin: (url) => new URL(url).origin === origin,
    describe: (url) => {
      const parsed = new URL(url);
      return `${parsed.host}${parsed.pathname}`;
    },
  };
}

/**
 * The query's request for one period: the base URL plus the rendered path (placeholder
 * values URL-encoded), the parameters, the headers and the body with their placeholders
 * replaced. The result must stay on the base URL's origin, where the credentials go.
 */
export function renderRequest(connection: HttpConnection, query: HttpQuery, vars: Record<string, unknown>): RenderedRequest {
  const url = new URL(`${connection.baseUrl}${renderPath(query.path, vars)}`);
  for (const [key, value] of Object.entries(renderRecord(query.params, vars))) url.searchParams.append(key, value);
  if (url.origin !== new URL(connection.baseUrl).origin) {
    throw new ConfigError(`path ${JSON.stringify(query.path)} leads away from the base URL's origin`);
  }
  const request: RenderedRequest = { method: query.method, url: url.href, headers: renderRecord(query.headers, vars) };
  if (query.body !== undefined) request.body = renderBody(query.body, vars);
  return request;
}

/** The request with one parameter set, in the URL query or in the JSON body. */
export function withParam(request: RenderedRequest, name: string, value: string | number, where: 'query' | 'body'): RenderedRequest {
  if (where === 'query') {
    const url = new URL(request.url);
    url.searchParams.set(name, String(value));
    return { ...request, url: url.href };
  }
  const body = request.body ?? {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ConfigError(`cannot put ${name} into a body that is not a JSON object`);
  return { ...request, body: { ...body, [name]: value } };
}
