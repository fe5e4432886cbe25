import { BadResponseError, QueryError, type ConnectorContext, type SyncWindow } from '../../src/sdk/index.ts';
import type { GithubClient } from './client.ts';
import { leadTimeHours, searchRange, statistic } from './map.ts';
import { SEARCH_MAX_RESULTS, SEARCH_PER_PAGE, type DeploymentsQuery, type GithubConnection, type SearchMetricQuery } from './schema.ts';

type Diagnostics = ConnectorContext['diagnostics'];

/**
 * The search query of a metric for a window
 * (https://docs.github.com/search-github/searching-on-github/searching-issues-and-pull-requests):
 * the scope (`repo:` or `org:`), the kind (`is:pr is:merged` / `is:issue`), the date
 * qualifier over the window (`merged:`, `created:`, `closed:`), then the user's qualifiers.
 */
export function searchQuery(query: SearchMetricQuery, window: Pick<SyncWindow, 'start' | 'end'>): string {
  const scope = query.repo === undefined ? `org:${query.org}` : `repo:${query.repo}`;
  const range = searchRange(window.start, window.end);
  const kind = {
    merged_prs: `is:pr is:merged merged:${range}`,
    pr_lead_time: `is:pr is:merged merged:${range}`,
    issues_opened: `is:issue created:${range}`,
    issues_closed: `is:issue closed:${range}`,
  }[query.metric];
  return [scope, kind, query.qualifiers?.trim()].filter((part) => part !== undefined && part !== '').join(' ');
}

/**
 * A count is the search's `total_count` from a one-item page: one request. The lead time
 * pages the merged pull requests 100 at a time (at most 10 pages: search returns at most
 * 1,000 results) and takes the median or mean of merged_at − created_at, in hours;
 * undefined when nothing was merged.
 */
export async function readSearchMetric(
  client: GithubClient,
  query: SearchMetricQuery,
  window: SyncWindow,
  diagnostics: Diagnostics,
): Promise<number | undefined> {
  const q = searchQuery(query, window);
  if (query.metric !== 'pr_lead_time') return (await client.search(q, 1, 1)).totalCount;
  const hours: number[] = [];
  let seen = 0;
  for (let page = 1; ; page += 1) {
    const result = await client.search(q, SEARCH_PER_PAGE, page);
    if (result.totalCount > SEARCH_MAX_RESULTS) {
      throw new QueryError(
        `pr_lead_time: ${result.totalCount} pull requests were merged in the window and GitHub's search returns at most ${SEARCH_MAX_RESULTS}; ` +
          'use a shorter KPI interval or narrow it with qualifiers',
      );
    }
    for (const item of result.items) {
      const lead = leadTimeHours(item);
      if (lead === undefined) diagnostics.reject(String(item.number ?? item.id ?? seen + 1), 'no created_at or pull_request.merged_at to measure');
      else hours.push(lead);
    }
    seen += result.items.length;
    if (result.items.length === 0 || seen >= result.totalCount) break;
  }
  diagnostics.count('pullRequestsRead', seen);
  return statistic(hours, query.statistic);
}

/**
 * Deployments created in the window. GitHub lists a repository's deployments newest
 * first (`GET /repos/{owner}/{repo}/deployments`), so paging stops at the first page that
 * reaches back past the window's start; a list out of that order fails loudly rather than
 * being miscounted. With `state: success`, each deployment in the window costs one more
 * request for its statuses, and counts when any of them is `success`.
 */
export async function countDeployments(
  client: GithubClient,
  connection: GithubConnection,
  query: DeploymentsQuery,
  window: SyncWindow,
  diagnostics: Diagnostics,
): Promise<number> {
  const repo = query.repo!;
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  const inWindow: number[] = [];
  let previous = Number.POSITIVE_INFINITY;
  for (let page = 1; ; page += 1) {
    if (page > connection.maxPages) {
      throw new QueryError(
        `deployments of ${repo}: more than ${connection.maxPages} pages of deployments since the window's start; raise the connection's maxPages or use a shorter interval`,
      );
    }
    const { deployments, next } = await client.deployments(repo, page, query.environment);
    diagnostics.count('deploymentsRead', deployments.length);
    for (const deployment of deployments) {
      if (deployment.createdAt > previous)
        throw new BadResponseError(`deployments of ${repo}: page ${page} is not newest first, so the window cannot be found by paging`);
      previous = deployment.createdAt;
      if (deployment.createdAt >= start && deployment.createdAt < end) inWindow.push(deployment.id);
    }
    const oldest = deployments.at(-1)?.createdAt;
    if (!next || oldest === undefined || oldest < start) break;
  }
  if (query.state === 'any') return inWindow.length;
  let succeeded = 0;
  for (const id of inWindow) if (await client.succeeded(repo, id)) succeeded += 1;
  return succeeded;
}
