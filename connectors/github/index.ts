import { defineConnector, type RawValue, windowsToQuery } from '../../src/sdk/index.ts';
import { createGithubClient } from './client.ts';
import { countDeployments, readSearchMetric } from './metrics.ts';
import { readGithubRateLimit, readGithubUsage } from './rate-limit.ts';
import { GITHUB_BASE_URL, connectionSchema, querySchema, type GithubConnection, type GithubQuery } from './schema.ts';

/**
 * GitHub (github.com or Enterprise Server): merged pull requests, issues opened and
 * closed (the search API's `total_count`, one request), pull request lead time (paged
 * search, computed here) and deployments, through `ctx.http` (not Octokit, whose own
 * HTTP stack would bypass the runner's timeouts, abort signal, rate-limit handling and
 * redaction).
 */
export default defineConnector<GithubConnection, GithubQuery>({
  type: 'github',
  description: 'GitHub pull requests, issues and deployments: search total_count counts, PR lead time, deployments per window.',
  connectionSchema,
  querySchema,

  http: (connection) => ({ rateLimit: readGithubRateLimit, timeoutMs: connection.timeoutMs, allowLinkLocal: connection.allowLinkLocal }),
  backfill: 'per-period',
  // Every metric is about what happened during the window.
  measure: () => 'flow',

  async check(connection, ctx) {
    const client = createGithubClient({ connection, http: ctx.http, logger: ctx.logger });
    const who = await client.whoami();
    const host = new URL(connection.baseUrl ?? GITHUB_BASE_URL).host;
    return { detail: `token accepted at ${host}; ${who}; X-GitHub-Api-Version ${connection.apiVersion}` };
  },

  async fetch(connection, query, ctx) {
    const client = createGithubClient({
      connection,
      http: ctx.http,
      logger: ctx.logger,
      onResponse: (headers) => {
        const usage = readGithubUsage(headers);
        if (usage) ctx.diagnostics.apiUsage(usage.used, usage.limit);
      },
    });
    const values: RawValue[] = [];
    for (const window of windowsToQuery(ctx, connection.maxBackfillPeriods)) {
      const value =
        query.metric === 'deployments'
          ? await countDeployments(client, connection, query, window, ctx.diagnostics)
          : await readSearchMetric(client, query, window, ctx.diagnostics);
      // A lead time over no merged pull request is no datapoint, not 0 hours.
      if (value !== undefined) values.push({ value, at: window.start });
    }
    return values;
  },
});
