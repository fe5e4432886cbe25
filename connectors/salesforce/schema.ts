import { allowLinkLocalSetting, baseUrl, linkLocalCheck, secret, z } from '../../src/sdk/index.ts';
import { renderTemplate } from '../../src/sdk/index.ts';

/**
 * The API version used when config names none. jsforce still defaults to 50.0 (Winter '21);
 * 66.0 is Spring '26, served by every org since February 2026. `kpi-sync check` prints the
 * newest version the org offers, so pinning a newer one is a one-line change.
 */
export const DEFAULT_API_VERSION = '66.0';

/** The login hosts Salesforce names for production and sandbox orgs. */
export const LOGIN_URLS = {
  production: 'https://login.salesforce.com',
  sandbox: 'https://test.salesforce.com',
} as const;

const clientId = z.string().min(1).describe('Consumer key of the connected app (or external client app).');
const username = z.string().min(1).describe('Salesforce username, e.g. integration@acme.com.');

/** OAuth 2.0 refresh token flow: a token obtained once through the web-server flow. */
const refreshTokenAuth = z.strictObject({
  flow: z.literal('refreshToken'),
  clientId,
  clientSecret: secret('Consumer secret; needed when the app requires a secret for the refresh token flow.').optional(),
  refreshToken: secret('The refresh token; use ${ENV_VAR} or ${file:/path}.'),
  refreshTokenFile: z
    .string()
    .min(1)
    .optional()
    .describe('File that keeps a rotated refresh token (read before each login, rewritten on rotation), relative to this config file.'),
});

/** OAuth 2.0 JWT bearer flow: an RS256 assertion signed with the key whose certificate the app holds. */
const jwtAuth = z.strictObject({
  flow: z.literal('jwt'),
  clientId,
  username,
  privateKey: secret('PEM private key (PKCS#8 or PKCS#1) matching the certificate uploaded to the app.'),
  audience: z.url().optional().describe('JWT `aud`; default https://test.salesforce.com for sandboxes, else https://login.salesforce.com.'),
});

/** OAuth 2.0 client credentials flow: the app runs as its configured "run as" user. */
const clientCredentialsAuth = z.strictObject({
  flow: z.literal('clientCredentials'),
  clientId,
  clientSecret: secret('Consumer secret of the app.'),
});

/** OAuth 2.0 username-password flow (deprecated by Salesforce; prefer jwt or clientCredentials). */
const passwordAuth = z.strictObject({
  flow: z.literal('password'),
  clientId,
  clientSecret: secret('Consumer secret of the app.'),
  username,
  password: secret("The user's password."),
  securityToken: secret('Security token appended to the password (not needed from trusted IP ranges).').optional(),
});

const loginUrlSchema = z
  .string()
  .transform((text, ctx) => {
    if (text === 'production' || text === 'sandbox') return text;
    const url = baseUrl().safeParse(text);
    if (url.success) return url.data;
    for (const issue of url.error.issues) ctx.addIssue({ code: 'custom', message: `expected production, sandbox or a login URL: ${issue.message}` });
    return z.NEVER;
  })
  .default('production')
  .meta({
    description: '`production`, `sandbox`, or a My Domain / proxy URL whose /services/oauth2/token issues tokens.',
    examples: ['production', 'https://acme.my.salesforce.com'],
  });

const authSchema = z.discriminatedUnion('flow', [refreshTokenAuth, jwtAuth, clientCredentialsAuth, passwordAuth]);

export const connectionSchema = z
  .strictObject({
    loginUrl: loginUrlSchema,
    instanceUrl: baseUrl().optional().describe('Send API calls here instead of the instance_url Salesforce returns with the token (a proxy, a test server).'),
    apiVersion: z
      .string()
      .regex(/^\d{2,3}\.0$/, 'an API version like "66.0"')
      .default(DEFAULT_API_VERSION)
      .describe('REST API version, always pinned.'),
    auth: authSchema,
    apiBudget: z
      .strictObject({
        maxPercent: z.number().gt(0).max(100).default(90).describe("Share of the org's daily API allowance this worker may reach."),
        recheckAfterMinutes: z
          .int()
          .min(1)
          .max(1440)
          .default(60)
          .describe('A spent budget defers runs until the last usage reading is this old; then one run reads it again.'),
      })
      .prefault({})
      .describe('Runs are deferred, not failed, once api-usage from Sforce-Limit-Info reaches maxPercent.'),
    timeoutSeconds: z.number().positive().max(600).default(30).describe('Per request attempt.'),
    allowLinkLocal: allowLinkLocalSetting(),
  })
  .check(linkLocalCheck(['loginUrl', 'instanceUrl']))
  .superRefine((value, ctx) => {
    if (value.auth.flow !== 'clientCredentials') return;
    const url = resolveLoginUrl(value.loginUrl);
    if (/^https:\/\/(login|test)\.salesforce\.com$/.test(url)) {
      ctx.addIssue({
        code: 'custom',
        path: ['loginUrl'],
        message:
          "the client credentials flow is refused by login.salesforce.com and test.salesforce.com; use the org's My Domain login URL (https://<domain>.my.salesforce.com)",
      });
    }
  });

export type SalesforceConnection = z.infer<typeof connectionSchema>;
export type SalesforceAuth = SalesforceConnection['auth'];

/** Values a SOQL template may use; dates are SOQL literals in the KPI's time zone. */
export const TEMPLATE_EXAMPLE = {
  window: {
    start: '2026-01-01T00:00:00+00:00',
    end: '2026-02-01T00:00:00+00:00',
    startDate: '2026-01-01',
    endDate: '2026-02-01',
  },
};

export const querySchema = z
  .strictObject({
    soql: z
      .string()
      .min(1)
      .describe('SOQL; may use {{window.start}}, {{window.end}} (dateTime) and {{window.startDate}}, {{window.endDate}} (date), end exclusive.'),
    value: z.string().min(1).optional().describe('Alias or field holding the number (e.g. `total`); default: the only value column, or expr0.'),
    aggregate: z
      .enum(['sum', 'count', 'avg', 'min', 'max'])
      .optional()
      .describe('Aggregate a plain SOQL client-side, paging through nextRecordsUrl; leave unset for aggregate SOQL.'),
    dimensions: z.array(z.string().min(1)).optional().describe("Fields or GROUP BY aliases that become the value's dimensions."),
    includeDeleted: z.boolean().default(false).describe('Use queryAll: count deleted and archived records too.'),
    whenNull: z.enum(['zero', 'skip']).default('zero').describe('An aggregate over no rows (null): report 0, or no value.'),
    maxBackfillPeriods: z.int().min(1).max(10_000).default(400).describe('A backfill reads at most this many of the most recent periods.'),
  })
  .superRefine((value, ctx) => {
    if (!/^\s*select\s/i.test(value.soql)) {
      ctx.addIssue({ code: 'custom', path: ['soql'], message: 'expected a SOQL SELECT statement' });
    }
    try {
      renderTemplate(value.soql, TEMPLATE_EXAMPLE);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['soql'], message: error instanceof Error ? error.message : String(error) });
    }
    if (value.aggregate !== undefined && value.aggregate !== 'count' && value.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `aggregate "${value.aggregate}" needs the field to aggregate, e.g. value: Amount` });
    }
  });

export type SalesforceQuery = z.infer<typeof querySchema>;

/** `production` / `sandbox` / a URL → the login base URL. */
export function resolveLoginUrl(loginUrl: string): string {
  if (loginUrl === 'production') return LOGIN_URLS.production;
  if (loginUrl === 'sandbox') return LOGIN_URLS.sandbox;
  return loginUrl;
}
