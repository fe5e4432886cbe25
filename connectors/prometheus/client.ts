import type { Logger } from 'pino';
import { ConfigError, describeStatus, excerpt, QueryError, TransientError, type HttpClient, type HttpResponse, type KsError } from '../../src/sdk/index.ts';
import { errorEnvelope, readQueryAnswer, readVersion, type QueryAnswer } from './map.ts';
import type { PrometheusConnection } from './schema.ts';
import { promDuration, unixParam } from './window.ts';

export interface PrometheusClient {
  /** One instant query (`/api/v1/query`) evaluated at `timeMs`. */
  query(promql: string, timeMs: number): Promise<QueryAnswer>;
  /** The server's version from `/api/v1/status/buildinfo`; undefined when the endpoint is missing (some compatible APIs). */
  version(): Promise<string | undefined>;
}

/**
 * errorTypes another attempt can fix: the query timed out or was cancelled, the
 * storage was unavailable, or the server failed
 * (https://github.com/prometheus/prometheus/blob/v2.42.0/web/api/v1/api.go, returnAPIError).
 */
const RETRYABLE_ERROR_TYPES = new Set(['timeout', 'canceled', 'unavailable', 'internal']);

/** The part of the timeout the server gets, so it gives up (and says so) before the client does. */
const SERVER_TIMEOUT_SHARE = 0.9;

export function createPrometheusClient(options: { connection: PrometheusConnection; http: HttpClient; logger?: Logger }): PrometheusClient {
  const { connection, http } = options;
  const base = connection.baseUrl;
  const host = new URL(base).host;
  const target = (path: string) => `${host}${new URL(`${base}${path}`).pathname}`;
  const secrets = credentials(connection);
  const headers: Record<string, string> = { ...connection.headers, ...authorization(connection) };

  function mapError(response: HttpResponse<unknown>, where: string): KsError | undefined {
    const envelope = errorEnvelope(response.data);
    if (envelope === undefined) {
      // Prometheus answers unknown paths with a plain-text 404: the base URL is not its API root.
      if (response.status === 404) {
        return new ConfigError(
          `${where} → 404 Not Found: no Prometheus HTTP API at ${host}; check baseUrl (a --web.route-prefix such as /prometheus belongs in it)`,
        );
      }
      return undefined;
    }
    const said = excerpt(`${envelope.errorType}: ${envelope.error}`, secrets, 500);
    if (RETRYABLE_ERROR_TYPES.has(envelope.errorType)) {
      // 5xx go the SDK's way, which honours Retry-After and keeps the `error` text.
      return response.status >= 500 ? undefined : new TransientError(`${where} → ${describeStatus(response.status)}: Prometheus: ${said}`);
    }
    // 401/403 from a proxy in front of Prometheus keep the SDK's Auth/Permission mapping.
    if (response.status === 401 || response.status === 403) return undefined;
    // bad_data (400) and execution (422) are the query's fault, in Prometheus's own words.
    return new QueryError(`${where} → ${describeStatus(response.status)}: Prometheus rejected the query (${said})`);
  }

  async function send(method: 'GET' | 'POST', path: string, params: Record<string, string>, attempts?: number): Promise<unknown> {
    const where = `${method} ${target(path)}`;
    const common = { url: `${base}${path}`, headers, mapError: (res: HttpResponse<unknown>) => mapError(res, where), ...(attempts ? { attempts } : {}) };
    // POST with a form body is the documented way around URL length limits for long queries.
    const response =
      method === 'POST'
        ? await http.request({ ...common, method: 'POST', body: new URLSearchParams(params) })
        : await http.request({ ...common, method: 'GET', query: params });
    return response.data;
  }

  return {
    async query(promql, timeMs) {
      const where = `${connection.method} ${target('/api/v1/query')}`;
      const timeout = promDuration(connection.timeoutMs * SERVER_TIMEOUT_SHARE);
      const body = await send(connection.method, '/api/v1/query', { query: promql, time: unixParam(timeMs), timeout });
      const answer = readQueryAnswer(body, where);
      if (answer.warnings.length > 0) options.logger?.warn({ warnings: answer.warnings.slice(0, 5) }, 'prometheus query warnings');
      return answer;
    },

    async version() {
      try {
        return readVersion(await send('GET', '/api/v1/status/buildinfo', {}, 1));
      } catch (error) {
        // The version is a courtesy: only refused credentials and aborts (no KS code) are the check's business.
        const code = (error as { code?: unknown }).code;
        if (typeof code !== 'string' || code === 'KS_ERR_AUTH' || code === 'KS_ERR_PERMISSION' || code === 'KS_ERR_ABORTED') throw error;
        return undefined;
      }
    },
  };
}

function authorization(connection: PrometheusConnection): Record<string, string> {
  const { auth } = connection;
  if (auth.type === 'basic') return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
  if (auth.type === 'bearer') return { authorization: `Bearer ${auth.token}` };
  return {};
}

/** Every credential of the connection, to scrub from quoted error text. */
function credentials(connection: PrometheusConnection): string[] {
  const { auth } = connection;
  const values = Object.values(connection.headers);
  if (auth.type === 'basic') values.push(auth.password);
  if (auth.type === 'bearer') values.push(auth.token);
  return values;
}
