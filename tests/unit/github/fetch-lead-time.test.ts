import { describe, expect, it } from 'vitest';
import github from '../../../connectors/github/index.ts';
import { statistic } from '../../../connectors/github/map.ts';
import { QueryError } from '../../../src/sdk/errors.ts';
import { fixture, makeContext, mockGet, NOV_RANGE, NOVEMBER } from './github-mocks.ts';

const leadTime = (extra: Record<string, unknown> = {}) => github.querySchema.parse({ metric: 'pr_lead_time', repo: 'acme/widgets', ...extra });
const Q = `repo:acme/widgets is:pr is:merged merged:${NOV_RANGE}`;

/** The fixtures' lead times: 4 h, 96 h, 2.5 h (page 1) and 24 h, 10 h (page 2). */
describe('github pr_lead_time: pages the merged PRs and computes client-side', () => {
  it('median hours from created_at to merged_at, one request per page of 100', async () => {
    const seen = mockGet('/search/issues', [{ body: fixture('search-lead-time-page-1.json') }, { body: fixture('search-lead-time-page-2.json') }]);
    const { ctx, recorded, connection } = makeContext();

    expect(await github.fetch(connection, leadTime(), ctx)).toEqual([{ value: 10, at: NOVEMBER.start }]);
    expect(seen.map((r) => r.params)).toEqual([
      { q: Q, per_page: '100', page: '1' },
      { q: Q, per_page: '100', page: '2' },
    ]);
    expect(recorded.counters.pullRequestsRead).toBe(5);
  });

  it('mean when asked', async () => {
    mockGet('/search/issues', [{ body: fixture('search-lead-time-page-1.json') }, { body: fixture('search-lead-time-page-2.json') }]);
    const { ctx, connection } = makeContext();
    const [value] = await github.fetch(connection, leadTime({ statistic: 'mean' }), ctx);
    expect(value!.value).toBeCloseTo(136.5 / 5, 10);
  });

  it('no merged pull request gives no datapoint, not 0 hours', async () => {
    const seen = mockGet('/search/issues', [{ body: fixture('search-empty.json') }]);
    const { ctx, connection } = makeContext();
    expect(await github.fetch(connection, leadTime(), ctx)).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it('more merged PRs than search returns (1,000) fails after the first page instead of averaging a sample', async () => {
    const body = { ...(fixture('search-lead-time-page-1.json') as Record<string, unknown>), total_count: 1_234 };
    const seen = mockGet('/search/issues', [{ body }]);
    const { ctx, connection } = makeContext();
    const error = await github.fetch(connection, leadTime(), ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toContain('1234 pull requests were merged in the window');
    expect(seen).toHaveLength(1);
  });

  it('statistic: median of an even count is the mean of the middle two', () => {
    expect(statistic([4, 1, 3, 2], 'median')).toBe(2.5);
    expect(statistic([], 'mean')).toBeUndefined();
  });
});
