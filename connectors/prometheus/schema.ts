import { allowLinkLocalSetting, baseUrl, ConfigError, linkLocalCheck, renderTemplate, secret, z } from '../../src/sdk/index.ts';
import { SAMPLE_VARIABLES } from './window.ts';

/** Prometheus without authentication (the default: its own web server has none). */
const noAuth = z.strictObject({
  type: z.literal('none').describe('No Authorization header.'),
});

/** HTTP Basic, as Prometheus's web config (`basic_auth_users`) and most reverse proxies take it. */
const basicAuth = z.strictObject({
  type: z.literal('basic').describe('HTTP Basic authentication.'),
  username: z.string().min(1).describe('User name sent with HTTP Basic.'),
  password: secret('Password sent with HTTP Basic; use ${ENV_VAR} or ${file:/path}'),
});

/** A bearer token, as Grafana Cloud, Amazon Managed Prometheus proxies and oauth2-proxy take it. */
const bearerAuth = z.strictObject({
  type: z.literal('bearer').describe('Authorization: Bearer <token>.'),
  token: secret('Token sent as Authorization: Bearer; use ${ENV_VAR} or ${file:/path}'),
});

/** An HTTP field name (RFC 9110 §5.6.2 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const connectionSchema = z
  .strictObject({
    baseUrl: baseUrl(
      'Prometheus (or a compatible API: Thanos, Mimir, VictoriaMetrics) root, e.g. https://prometheus.example.com or https://host/prometheus with a route prefix; /api/v1/query is appended. https, or plain http on loopback only',
    ),
    auth: z
      .discriminatedUnion('type', [noAuth, basicAuth, bearerAuth])
      .default({ type: 'none' })
      .describe('How requests authenticate: none (default), basic (username, password) or bearer (token).'),
    headers: z
      .record(z.string().regex(HEADER_NAME, 'an HTTP header name such as X-Scope-OrgID'), secret('Header value; treated as a credential'))
      .default({})
      .describe('Extra headers sent with every request, e.g. X-Scope-OrgID for a Mimir or Cortex tenant. Values are treated as credentials.'),
    method: z
      .enum(['GET', 'POST'])
      .default('GET')
      .describe('GET /api/v1/query with URL parameters, or POST with a form body (for long PromQL that would exceed URL limits).'),
    timeoutMs: z.int().min(100).max(300_000).default(30_000).describe('Per-request timeout in ms; the query is also sent a server-side timeout just under it.'),
    maxBackfillPeriods: z.int().min(1).default(400).describe('Most periods one backfill may query (one request per period).'),
    allowLinkLocal: allowLinkLocalSetting(),
  })
  .check(linkLocalCheck(['baseUrl']))
  .superRefine((connection, ctx) => {
    const authorization = Object.keys(connection.headers).find((name) => name.toLowerCase() === 'authorization');
    if (authorization !== undefined && connection.auth.type !== 'none') {
      ctx.addIssue({
        code: 'custom',
        path: ['headers', authorization],
        message: `an Authorization header conflicts with auth type "${connection.auth.type}"; keep one of them`,
      });
    }
  });

export type PrometheusConnection = z.output<typeof connectionSchema>;

export const querySchema = z
  .strictObject({
    promql: z
      .string()
      .trim()
      .min(1)
      .describe(
        'PromQL evaluated once per period at its end (now, for the current period). Must give one number: a scalar or a one-series vector. ' +
          'Placeholders: {{window.range}} (the period as a Prometheus duration, e.g. 7d), {{window.rangeSeconds}}, {{window.startUnix}}, {{window.endUnix}} (the evaluation time).',
      ),
    whenEmpty: z.enum(['skip', 'zero']).default('skip').describe('An empty vector (no series matched): skip gives no datapoint for the period, zero gives 0.'),
    measure: z
      .enum(['flow', 'snapshot'])
      .optional()
      .describe('Overrides what the query measures. Default: flow when the PromQL uses a {{window.*}} placeholder, snapshot otherwise.'),
  })
  .superRefine((query, ctx) => {
    // Placeholders are checked when the config loads, not at the first sync.
    try {
      renderTemplate(query.promql, SAMPLE_VARIABLES);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      ctx.addIssue({ code: 'custom', path: ['promql'], message: error.message });
    }
  });

export type PrometheusQuery = z.output<typeof querySchema>;
