import { describe, expect, it } from 'vitest';
import github from '../../../connectors/github/index.ts';
import { AuthError, BadResponseError, PermissionError, QueryError, TransientError } from '../../../src/sdk/errors.ts';
import { fixture, makeCheckContext, makeContext, mockGet, githubConnection, type MockReply } from './github-mocks.ts';

const merged = github.querySchema.parse({ metric: 'merged_prs', repo: 'acme/widgets' });
const deployments = github.querySchema.parse({ metric: 'deployments', repo: 'acme/ghost' });

async function failure(path: string, query: typeof merged, replies: MockReply[], attempts = 1): Promise<{ error: unknown; requests: number }> {
  const seen = mockGet(path, replies);
  const { ctx, connection } = makeContext({ http: { attempts } });
  const error = await github.fetch(connection, query, ctx).then(
    () => {
      throw new Error('expected the fetch to fail');
    },
    (e: unknown) => e,
  );
  return { error, requests: seen.length };
}

describe("github errors: GitHub's error bodies become typed errors", () => {
  it('401 Bad credentials is an AuthError, not retried', async () => {
    const { error, requests } = await failure('/search/issues', merged, [{ status: 401, body: fixture('error-bad-credentials.json') }], 3);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toBe("GET api.github.com/search/issues → 401: Bad credentials; check the connection's token (expired or revoked?)");
    expect(requests).toBe(1);
  });

  it("403 without a rate limit is a PermissionError with GitHub's words, not retried", async () => {
    const { error, requests } = await failure('/repos/acme/ghost/deployments', deployments, [{ status: 403, body: fixture('error-forbidden.json') }], 3);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toContain('403: Resource not accessible by personal access token; the token lacks a permission');
    expect(requests).toBe(1);
  });

  it('403 with X-GitHub-SSO says to authorize the token for SSO', async () => {
    const { error } = await failure('/repos/acme/ghost/deployments', deployments, [
      {
        status: 403,
        body: fixture('error-forbidden.json'),
        headers: { 'x-github-sso': 'required; url=https://github.com/orgs/acme/sso?authorization_request=A1' },
      },
    ]);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toContain("authorize the token for the organisation's SAML single sign-on");
  });

  it("422 Validation Failed is a QueryError with GitHub's message and its errors", async () => {
    const { error, requests } = await failure('/search/issues', merged, [{ status: 422, body: fixture('error-validation-failed.json') }], 3);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toBe(
      'GET api.github.com/search/issues → 422: Validation Failed: invalid q: The listed users and repositories cannot be searched ' +
        'either because the resources do not exist or you do not have permission to view them.',
    );
    expect(requests).toBe(1);
  });

  it('404 on a repository endpoint is a QueryError naming what to check', async () => {
    const { error } = await failure('/repos/acme/ghost/deployments', deployments, [{ status: 404, body: fixture('error-not-found.json') }]);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toBe(
      'GET api.github.com/repos/acme/ghost/deployments → 404: Not Found; check the repo (owner/name) and that the token can see it',
    );
  });

  it('503 is retried, then a TransientError', async () => {
    const { error, requests } = await failure(
      '/search/issues',
      merged,
      Array.from({ length: 2 }, () => ({ status: 503, body: fixture('error-service-unavailable.json') })),
      2,
    );
    expect(error).toBeInstanceOf(TransientError);
    expect(requests).toBe(2);
  });

  it('a body that is not a search result is a BadResponseError', async () => {
    const { error } = await failure('/search/issues', merged, [{ body: fixture('deployments-page-2.json') }]);
    expect(error).toBeInstanceOf(BadResponseError);
    expect((error as Error).message).toBe('GET api.github.com/search/issues: expected a search result, got a list');
  });
});

describe('github check', () => {
  it('reports the budgets left from GET /rate_limit', async () => {
    mockGet('/rate_limit', [{ body: fixture('rate-limit.json') }]);
    const connection = githubConnection();
    const { ctx } = makeCheckContext(connection);
    expect((await github.check(connection, ctx)).detail).toBe(
      'token accepted at api.github.com; core 4999/5000, search 18/30 requests left; X-GitHub-Api-Version 2022-11-28',
    );
  });

  it('falls back to GET /user where GitHub Enterprise Server has rate limiting off (404)', async () => {
    mockGet('/rate_limit', [{ status: 404, body: fixture('error-not-found.json') }]);
    mockGet('/user', [{ body: fixture('user.json') }]);
    const connection = githubConnection();
    const { ctx } = makeCheckContext(connection);
    expect((await github.check(connection, ctx)).detail).toContain('authenticated as ada; rate limiting off');
  });
});
