import { z } from 'zod';
import { allowLinkLocalSetting, baseUrl, linkLocalCheck, secret } from '../../src/sdk/index.ts';

export const GITHUB_BASE_URL = 'https://api.github.com';

/**
 * REST API versions this connector reads the same way
 * (https://docs.github.com/rest/about-the-rest-api/api-versions). 2022-11-28 is the
 * default because GitHub Enterprise Server 3.9 and later accept it; 2026-03-10 drops
 * fields this connector does not read (`assignee` on search items, `rate` on /rate_limit).
 */
export const API_VERSIONS = ['2022-11-28', '2026-03-10'] as const;

/** The search API's most results per page, and the most it returns for one query ("up to 1,000 results"). */
export const SEARCH_PER_PAGE = 100;
export const SEARCH_MAX_RESULTS = 1_000;
/** List endpoints' most results per page. */
export const LIST_PER_PAGE = 100;

export const connectionSchema = z
  .strictObject({
    token: secret('GitHub token: a fine-grained or classic personal access token, or an installation token; use ${ENV_VAR} or ${file:/path}'),
    baseUrl: baseUrl('The REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server; plain http only on loopback').optional(),
    apiVersion: z.enum(API_VERSIONS).default('2022-11-28').describe('The X-GitHub-Api-Version header sent with every request.'),
    timeoutMs: z.number().int().min(100).max(300_000).default(30_000).describe('Per-request timeout in milliseconds.'),
    maxPages: z
      .number()
      .int()
      .min(1)
      .max(1_000)
      .default(10)
      .describe(`Most pages of ${LIST_PER_PAGE} deployments read for one value before the run fails asking for a narrower query.`),
    maxBackfillPeriods: z.number().int().min(1).default(400).describe('Most periods one backfill may query.'),
    allowLinkLocal: allowLinkLocalSetting(),
  })
  .check(linkLocalCheck(['baseUrl']));

export type GithubConnection = z.output<typeof connectionSchema>;

/** GitHub logins: alphanumerics and single hyphens; repository names also take `.` and `_`. */
const REPO = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

const scope = {
  repo: z.string().regex(REPO, 'owner/name, e.g. octocat/hello-world').optional().describe('The repository, as owner/name. Give repo or org.'),
  org: z
    .string()
    .regex(LOGIN, 'an organisation or user login, e.g. octocat')
    .optional()
    .describe('Every repository of this organisation (or user). Give repo or org.'),
  qualifiers: z
    .string()
    .max(200)
    .regex(/^[^\r\n]*$/, 'one line of search qualifiers')
    .optional()
    .describe(
      'Extra search qualifiers appended to the query, e.g. "label:bug -author:app/dependabot" (https://docs.github.com/search-github/searching-on-github/searching-issues-and-pull-requests).',
    ),
};

const countQuery = (metric: 'merged_prs' | 'issues_opened' | 'issues_closed', what: string) =>
  z.strictObject({ metric: z.literal(metric).describe(what), ...scope });

const leadTimeQuery = z.strictObject({
  metric: z.literal('pr_lead_time').describe('Hours from a pull request being opened to it being merged, over the PRs merged in the window.'),
  statistic: z.enum(['median', 'mean']).default('median').describe('median (default) or mean of the lead times.'),
  ...scope,
});

const deploymentsQuery = z.strictObject({
  metric: z.literal('deployments').describe('Deployments of the repository created in the window.'),
  repo: scope.repo,
  org: scope.org,
  environment: z.string().min(1).max(255).optional().describe('Only deployments to this environment (e.g. production).'),
  state: z
    .enum(['any', 'success'])
    .default('any')
    .describe('any: every deployment created; success: only those with a success status (one more request per deployment).'),
});

export const querySchema = z
  .discriminatedUnion('metric', [
    countQuery('merged_prs', 'Pull requests merged in the window.'),
    countQuery('issues_opened', 'Issues opened in the window.'),
    countQuery('issues_closed', 'Issues closed in the window.'),
    leadTimeQuery,
    deploymentsQuery,
  ])
  .superRefine((query, ctx) => {
    if (query.metric === 'deployments') {
      if (query.repo === undefined) ctx.addIssue({ code: 'custom', path: ['repo'], message: 'deployments are listed per repository: give repo (owner/name)' });
      if (query.org !== undefined) ctx.addIssue({ code: 'custom', path: ['org'], message: 'deployments take a repo, not an org' });
      return;
    }
    if ((query.repo === undefined) === (query.org === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['repo'], message: 'give exactly one of repo (owner/name) or org' });
    }
  });

export type GithubQuery = z.output<typeof querySchema>;
export type SearchMetricQuery = Exclude<GithubQuery, { metric: 'deployments' }>;
export type DeploymentsQuery = Extract<GithubQuery, { metric: 'deployments' }>;
