import { allowLinkLocalSetting, baseUrl, linkLocalCheck, linkLocalUrlProblem, secret, secureUrlProblem, z } from '../../src/sdk/index.ts';
import { checkQuery } from './query-check.ts';

/** An HTTP field name (RFC 9110 §5.6.2 token). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const headerName = z.string().regex(HEADER_NAME, 'an HTTP header name such as X-Api-Key');

const noAuth = z.strictObject({ type: z.literal('none').describe('No credentials.') });

const bearerAuth = z.strictObject({
  type: z.literal('bearer').describe('Authorization: Bearer <token>.'),
  token: secret('The bearer token; use ${ENV_VAR} or ${file:/path}'),
});

const basicAuth = z.strictObject({
  type: z.literal('basic').describe('HTTP Basic authentication.'),
  username: z.string().min(1).describe('User name sent with HTTP Basic.'),
  password: secret('Password sent with HTTP Basic; use ${ENV_VAR} or ${file:/path}'),
});

const headerAuth = z.strictObject({
  type: z.literal('header').describe('A credential in a header of its own, e.g. X-Api-Key.'),
  name: headerName.describe('The header that carries the credential, e.g. X-Api-Key.'),
  value: secret('The header value; use ${ENV_VAR} or ${file:/path}'),
});

/** A URL that may carry credentials: https, or plain http on loopback only, kept exactly as written. */
const secureUrl = z.string().superRefine((text, ctx) => {
  const problem = secureUrlProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** OAuth 2.0 client credentials grant (RFC 6749 §4.4). */
const oauth2Auth = z.strictObject({
  type: z.literal('oauth2').describe('OAuth 2.0 client credentials: a token from tokenUrl, sent as a bearer token.'),
  tokenUrl: secureUrl.describe('The authorization server token endpoint, e.g. https://auth.example.com/oauth/token.'),
  clientId: z.string().min(1).describe('The OAuth client id.'),
  clientSecret: secret('The OAuth client secret; use ${ENV_VAR} or ${file:/path}'),
  scope: z.string().min(1).optional().describe('Space-separated scopes to ask for.'),
  audience: z.string().min(1).optional().describe('An audience parameter, for servers that want one (Auth0, Okta custom servers).'),
  clientAuth: z
    .enum(['basic', 'body'])
    .default('basic')
    .describe(
      'How the client authenticates: basic (HTTP Basic, which RFC 6749 §2.3.1 requires servers to support) or body (client_id and client_secret in the form).',
    ),
});

export const connectionSchema = z
  .strictObject({
    baseUrl: baseUrl('The API root every query path is appended to, e.g. https://api.example.com/v2; https, or plain http on loopback only'),
    auth: z
      .discriminatedUnion('type', [noAuth, bearerAuth, basicAuth, headerAuth, oauth2Auth])
      .default({ type: 'none' })
      .describe('How requests authenticate: none, bearer, basic, header or oauth2 (client credentials).'),
    headers: z
      .record(headerName, secret('Header value; treated as a credential'))
      .default({})
      .describe('Headers sent with every request. Values are treated as credentials.'),
    checkPath: z
      .string()
      .regex(/^\/(?!\/)/, 'a path starting with one "/", e.g. /v1/me')
      .optional()
      .describe('A path `kpi-sync check` GETs to prove the credentials, e.g. /v1/me. Default: the base URL itself.'),
    timeoutMs: z.int().min(100).max(300_000).default(30_000).describe('Per-request timeout in ms.'),
    maxBackfillPeriods: z.int().min(1).default(400).describe('Most periods one backfill may query.'),
    allowLinkLocal: allowLinkLocalSetting(),
  })
  .check(linkLocalCheck(['baseUrl']))
  .superRefine((connection, ctx) => {
    if (connection.auth.type === 'oauth2' && connection.allowLinkLocal !== true) {
      const problem = linkLocalUrlProblem(connection.auth.tokenUrl, 'auth.tokenUrl');
      if (problem) ctx.addIssue({ code: 'custom', path: ['auth', 'tokenUrl'], message: problem });
    }
    const names = Object.keys(connection.headers).map((name) => name.toLowerCase());
    const authHeader = connection.auth.type === 'header' ? connection.auth.name.toLowerCase() : connection.auth.type === 'none' ? undefined : 'authorization';
    if (authHeader !== undefined && names.includes(authHeader)) {
      ctx.addIssue({
        code: 'custom',
        path: ['headers'],
        message: `header ${authHeader} is already set by auth type "${connection.auth.type}"; keep one of them`,
      });
    }
  });

export type HttpConnection = z.output<typeof connectionSchema>;
export type HttpAuth = HttpConnection['auth'];
export type OAuth2Auth = Extract<HttpAuth, { type: 'oauth2' }>;

const template = (what: string) => z.string().describe(`${what}; may hold {{window.*}} placeholders`);
const fieldName = (what: string, fallback: string) => z.string().min(1).default(fallback).describe(what);

export const AGGREGATES = ['sum', 'count', 'avg', 'min', 'max', 'last'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export const pickSchema = z
  .strictObject({
    jsonpath: z.string().min(1).optional().describe('A JSONPath (jsonpath-plus) into the response body, e.g. $.data.total or $.items[*].amount.'),
    jsonata: z.string().min(1).optional().describe('A JSONata expression over the response body, e.g. $sum(items[status="won"].amount).'),
    at: fieldName("For a series of objects: the field holding each point's instant (ISO 8601, Unix seconds or ms).", 'at'),
    value: fieldName("For a series of objects: the field holding each point's number.", 'value'),
  })
  .describe('What to read from the body: a number, a list of numbers, or a series of [instant, value] pairs or {at, value} objects.');

const where = z.enum(['query', 'body']).default('query').describe('Send the parameter in the URL query (default) or in the JSON body (POST only).');
const maxPages = z.int().min(1).max(10_000).default(50).describe('Most pages read for one value; past it the run fails rather than store a partial total.');

const linkPaging = z.strictObject({
  type: z.literal('link').describe('Follow the RFC 8288 Link header\'s rel="next" URL (same origin only).'),
  maxPages,
});
const cursorPaging = z.strictObject({
  type: z.literal('cursor').describe('Send the cursor each page names, until it names none.'),
  cursorPath: z.string().min(1).describe('JSONPath to the next cursor in each page, e.g. $.meta.next_cursor.'),
  param: z.string().min(1).describe('The parameter the cursor is sent in, e.g. cursor or starting_after.'),
  in: where,
  maxPages,
});
const pagePaging = z.strictObject({
  type: z.literal('page').describe('Count pages up until one is empty, or up to the total pages the body gives.'),
  param: z.string().min(1).default('page').describe('The page number parameter.'),
  start: z.int().min(0).default(1).describe('The first page number (0 or 1, usually).'),
  totalPagesPath: z
    .string()
    .min(1)
    .optional()
    .describe('JSONPath to the total number of pages, e.g. $.meta.total_pages; without it paging stops at the first empty page.'),
  in: where,
  maxPages,
});

export const paginationSchema = z.discriminatedUnion('type', [linkPaging, cursorPaging, pagePaging]);
export type Pagination = z.output<typeof paginationSchema>;

export const querySchema = z
  .strictObject({
    method: z.enum(['GET', 'POST']).default('GET').describe('The HTTP method.'),
    path: template(
      'Path and optional query string appended to the base URL, e.g. /v1/orders/stats?from={{window.startDate}}; placeholder values are URL-encoded',
    ).regex(/^\/(?!\/)/, 'a path starting with one "/", e.g. /v1/stats'),
    params: z.record(z.string().min(1), template('A query parameter value')).default({}).describe('Query parameters, URL-encoded for you.'),
    headers: z.record(headerName, template('A header value')).default({}).describe('Headers for this query (not credentials: those belong in the connection).'),
    body: z
      .json()
      .optional()
      .describe('A JSON body for POST; string values may hold placeholders, and a value that is one numeric placeholder becomes a number.'),
    pick: pickSchema,
    aggregate: z.enum(AGGREGATES).optional().describe('How several picked numbers (a list, or one per page) become one: sum, count, avg, min, max or last.'),
    pagination: paginationSchema.optional().describe('How to reach the next page; every page costs a request.'),
    measure: z
      .enum(['flow', 'snapshot'])
      .optional()
      .describe(
        'Overrides what the query measures. Default: flow when the request uses a {{window.*}} placeholder (it asks about the period), snapshot otherwise. A report of a level "as of" the window end is a snapshot.',
      ),
  })
  .superRefine(checkQuery);

export type HttpQuery = z.output<typeof querySchema>;
export type PickSpec = HttpQuery['pick'];
