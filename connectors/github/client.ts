import type { Logger } from 'pino';
import { QueryError, TransientError, toKsError, type HttpClient } from '../../src/sdk/index.ts';
import { githubErrorMapper } from './errors.ts';
import { describeRateLimit, hasNextPage, hasSuccessStatus, readDeployments, readSearchPage, type Deployment, type SearchPage } from './map.ts';
import { GITHUB_BASE_URL, LIST_PER_PAGE, type GithubConnection } from './schema.ts';

type Params = Record<string, string | number | undefined>;

export interface GithubClient {
  /** `GET /search/issues?q=…&per_page=…&page=…`. Throws a TransientError when GitHub says the results are incomplete. */
  search(q: string, perPage: number, page: number): Promise<SearchPage>;
  /** One page of `GET /repos/{owner}/{repo}/deployments`, newest first, and whether the Link header offers another. */
  deployments(repo: string, page: number, environment: string | undefined): Promise<{ deployments: Deployment[]; next: boolean }>;
  /** Whether `GET /repos/{owner}/{repo}/deployments/{id}/statuses` holds a success. */
  succeeded(repo: string, id: number): Promise<boolean>;
  /** What `check` reports: the budgets from GET /rate_limit, or the login from GET /user where rate limiting is off. */
  whoami(): Promise<string>;
}

export interface GithubClientOptions {
  connection: GithubConnection;
  http: HttpClient;
  logger?: Logger;
  /** Sees the headers of every successful response (for API-usage figures). */
  onResponse?: (headers: Record<string, string>) => void;
}

/**
 * Requests to GitHub's REST API through the SDK's HTTP client (timeouts, retries,
 * rate-limit waits, typed errors), with the bearer token, `Accept:
 * application/vnd.github+json` and the pinned `X-GitHub-Api-Version`
 * (https://docs.github.com/rest/using-the-rest-api/getting-started-with-the-rest-api).
 */
export function createGithubClient(options: GithubClientOptions): GithubClient {
  const { connection, http, logger } = options;
  const base = connection.baseUrl ?? GITHUB_BASE_URL;
  const host = new URL(base).host;
  const headers = {
    authorization: `Bearer ${connection.token}`,
    accept: 'application/vnd.github+json',
    'x-github-api-version': connection.apiVersion,
  };

  /** `label` names the endpoint in logs and metrics (one name for every repository); errors name the real path. */
  async function get(path: string, query: Params, label = path): Promise<{ data: unknown; headers: Record<string, string> }> {
    const where = `GET ${host}${path}`;
    const mapError = githubErrorMapper(where, [connection.token]);
    const response = await http.request({ method: 'GET', url: `${base}${path}`, headers, query, label: `GET ${host}${label}`, mapError });
    options.onResponse?.(response.headers);
    return { data: response.data, headers: response.headers };
  }

  const repoPath = (repo: string) => repo.split('/').map(encodeURIComponent).join('/');

  return {
    async search(q, perPage, page) {
      const { data } = await get('/search/issues', { q, per_page: perPage, page });
      const result = readSearchPage(data, `GET ${host}/search/issues`);
      logger?.debug({ page, items: result.items.length, totalCount: result.totalCount }, 'github search page');
      if (result.incomplete) {
        // A count GitHub could not finish is not stored as right; another attempt later usually completes.
        throw new TransientError(`GET ${host}/search/issues: GitHub timed out and marked the results incomplete_results; retry later or narrow the query`);
      }
      return result;
    },

    async deployments(repo, page, environment) {
      const path = `/repos/${repoPath(repo)}/deployments`;
      const { data, headers: got } = await get(path, { per_page: LIST_PER_PAGE, page, environment }, '/repos/{owner}/{repo}/deployments');
      return { deployments: readDeployments(data, `GET ${host}${path}`), next: hasNextPage(got.link) };
    },

    async succeeded(repo, id) {
      const path = `/repos/${repoPath(repo)}/deployments/${id}/statuses`;
      const { data } = await get(path, { per_page: LIST_PER_PAGE }, '/repos/{owner}/{repo}/deployments/{id}/statuses');
      return hasSuccessStatus(data, `GET ${host}${path}`);
    },

    async whoami() {
      try {
        return describeRateLimit((await get('/rate_limit', {})).data);
      } catch (error) {
        // GitHub Enterprise Server answers 404 here when rate limiting is off.
        if (!(toKsError(error) instanceof QueryError) || !/→ 404/.test((error as Error).message)) throw error;
        const user = (await get('/user', {})).data as { login?: unknown };
        return typeof user?.login === 'string' ? `authenticated as ${user.login}; rate limiting off` : 'authenticated; rate limiting off';
      }
    },
  };
}
