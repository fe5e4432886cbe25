import { allowLinkLocalSetting, baseUrl, ianaZone, linkLocalCheck, secret, z } from '../../src/sdk/index.ts';

/** Jira Cloud: Atlassian account email + API token, sent as HTTP Basic. */
const apiTokenAuth = z.strictObject({
  type: z.literal('api-token'),
  email: z.string().min(3).describe('Email of the Atlassian account the API token belongs to.'),
  apiToken: secret('Atlassian API token (https://id.atlassian.com/manage-profile/security/api-tokens); use ${ENV_VAR} or ${file:/path}'),
});

/** Jira Cloud: an OAuth 2.0 (3LO or service account) access token, sent as Bearer. */
const oauth2Auth = z.strictObject({
  type: z.literal('oauth2'),
  accessToken: secret('OAuth 2.0 access token with the read:jira-work and read:jira-user scopes; use ${ENV_VAR} or ${file:/path}'),
});

/** Jira Data Center / Server 8.14+: a personal access token, sent as Bearer. */
const patAuth = z.strictObject({
  type: z.literal('pat'),
  token: secret('Jira Data Center personal access token; use ${ENV_VAR} or ${file:/path}'),
});

/** Jira Data Center / Server: username and password, sent as HTTP Basic. */
const basicAuth = z.strictObject({
  type: z.literal('basic'),
  username: z.string().min(1),
  password: secret('Jira Data Center password; use ${ENV_VAR} or ${file:/path}'),
});

const CLOUD_AUTH = new Set(['api-token', 'oauth2']);

export const connectionSchema = z
  .strictObject({
    baseUrl: baseUrl(
      'Jira site, e.g. https://acme.atlassian.net (Cloud), https://api.atlassian.com/ex/jira/<cloudId> (Cloud with OAuth 2.0) or https://jira.acme.com (Data Center)',
    ),
    deployment: z
      .enum(['cloud', 'datacenter'])
      .default('cloud')
      .describe('cloud: REST API v3 and the enhanced search; datacenter: REST API v2 (Jira Data Center / Server).'),
    auth: z.discriminatedUnion('type', [apiTokenAuth, oauth2Auth, patAuth, basicAuth]),
    jqlTimeZone: ianaZone.optional().describe("Time zone Jira reads JQL dates in (the account's profile zone). Default: read once from /myself."),
    timeoutMs: z.int().min(1_000).max(300_000).optional().describe('Per-request timeout in ms (default 30000).'),
    allowLinkLocal: allowLinkLocalSetting(),
  })
  .check(linkLocalCheck(['baseUrl']))
  .superRefine((connection, ctx) => {
    const cloudAuth = CLOUD_AUTH.has(connection.auth.type);
    if (connection.deployment === 'cloud' && !cloudAuth) {
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'type'],
        message: `auth type "${connection.auth.type}" is for Jira Data Center; Jira Cloud takes "api-token" or "oauth2" (or set deployment: datacenter)`,
      });
    }
    if (connection.deployment === 'datacenter' && cloudAuth) {
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'type'],
        message: `auth type "${connection.auth.type}" is for Jira Cloud; Jira Data Center takes "pat" or "basic" (or set deployment: cloud)`,
      });
    }
    if (connection.auth.type === 'oauth2' && hostOf(connection.baseUrl).endsWith('.atlassian.net')) {
      // https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/#3--make-calls-to-the-api-using-the-access-token
      ctx.addIssue({
        code: 'custom',
        path: ['baseUrl'],
        message: 'OAuth 2.0 tokens are not accepted on the site URL; use https://api.atlassian.com/ex/jira/<cloudId>',
      });
    }
  });

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

const jql = z.string().min(1).describe('JQL; {{window.start}} and {{window.end}} become quoted "yyyy-MM-dd HH:mm" dates in the JQL time zone.');

const countQuery = z.strictObject({
  metric: z.literal('count'),
  jql,
  exact: z.boolean().default(false).describe('Cloud only: page through issue ids for an exact count instead of one approximate-count request.'),
});

const fieldQuery = (metric: 'sum' | 'avg') =>
  z.strictObject({
    metric: z.literal(metric),
    jql,
    field: z.string().min(1).describe('A numeric field by id (customfield_10016, timespent) or by name ("Story Points").'),
  });

export const querySchema = z.discriminatedUnion('metric', [countQuery, fieldQuery('sum'), fieldQuery('avg')]);

export type JiraConnection = z.infer<typeof connectionSchema>;
export type JiraAuth = JiraConnection['auth'];
export type JiraQuery = z.infer<typeof querySchema>;
export type JiraCountQuery = z.infer<typeof countQuery>;
export type JiraFieldQuery = Exclude<JiraQuery, JiraCountQuery>;
