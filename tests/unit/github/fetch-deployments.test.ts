import { describe, expect, it } from 'vitest';
import github from '../../../connectors/github/index.ts';
import { BadResponseError, QueryError } from '../../../src/sdk/errors.ts';
import { fixture, githubConnection, makeContext, mockGet, NOVEMBER, type SeenRequest } from './github-mocks.ts';

const deployments = (extra: Record<string, unknown> = {}) => github.querySchema.parse({ metric: 'deployments', repo: 'acme/widgets', ...extra });
const PATH = '/repos/acme/widgets/deployments';
const NEXT = {
  link: '<https://api.github.com/repositories/42/deployments?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/42/deployments?per_page=100&page=2>; rel="last"',
};

/**
 * The fixtures, newest first: 5005 (Dec 1, after the window), 5004 (Nov 28), 5003
 * (Nov 15) | 5002 (Nov 1), 5001 (Oct 31 20:00Z, before the window's start at 23:00Z).
 * Statuses: 5004 success, 5003 failure, 5002 success then inactive.
 */
describe('github deployments', () => {
  it('pages newest first until a page reaches back past the window, and counts those inside it', async () => {
    const seen = mockGet(PATH, [{ body: fixture('deployments-page-1.json'), headers: NEXT }, { body: fixture('deployments-page-2.json') }]);
    const { ctx, recorded, connection } = makeContext();

    expect(await github.fetch(connection, deployments(), ctx)).toEqual([{ value: 3, at: NOVEMBER.start }]);
    expect(seen.map((r) => r.params)).toEqual([
      { per_page: '100', page: '1' },
      { per_page: '100', page: '2' },
    ]);
    expect(recorded.counters.deploymentsRead).toBe(5);
  });

  it('filters by environment server-side', async () => {
    const seen = mockGet(PATH, [{ body: fixture('deployments-page-2.json') }]);
    const { ctx, connection } = makeContext();
    expect(await github.fetch(connection, deployments({ environment: 'production' }), ctx)).toEqual([{ value: 1, at: NOVEMBER.start }]);
    expect(seen[0]!.params).toEqual({ per_page: '100', page: '1', environment: 'production' });
  });

  it('state success: one statuses request per deployment in the window, counting those with a success', async () => {
    const seen: SeenRequest[] = [];
    mockGet(PATH, [{ body: fixture('deployments-page-1.json'), headers: NEXT }, { body: fixture('deployments-page-2.json') }], seen);
    for (const id of [5004, 5003, 5002]) mockGet(`${PATH}/${id}/statuses`, [{ body: fixture(`deployment-statuses-${id}.json`) }], seen);
    const { ctx, connection } = makeContext();

    expect(await github.fetch(connection, deployments({ state: 'success' }), ctx)).toEqual([{ value: 2, at: NOVEMBER.start }]);
    expect(seen.map((r) => r.path)).toEqual([PATH, PATH, `${PATH}/5004/statuses`, `${PATH}/5003/statuses`, `${PATH}/5002/statuses`]);
  });

  it('a list out of newest-first order fails loudly instead of miscounting', async () => {
    const reversed = [...(fixture('deployments-page-1.json') as unknown[])].reverse();
    mockGet(PATH, [{ body: reversed, headers: NEXT }]);
    const { ctx, connection } = makeContext();
    await expect(github.fetch(connection, deployments(), ctx)).rejects.toBeInstanceOf(BadResponseError);
  });

  it('stops at maxPages with a QueryError', async () => {
    const seen = mockGet(PATH, [{ body: fixture('deployments-page-1.json'), headers: NEXT }]);
    const connection = githubConnection({ maxPages: 1 });
    const { ctx } = makeContext({ connection });
    const error = await github.fetch(connection, deployments(), ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toContain("more than 1 pages of deployments since the window's start");
    expect(seen).toHaveLength(1);
  });
});
