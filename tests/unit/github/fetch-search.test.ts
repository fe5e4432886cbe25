import { describe, expect, it } from 'vitest';
import github from '../../../connectors/github/index.ts';
import { TransientError } from '../../../src/sdk/errors.ts';
import { fixture, githubConnection, makeContext, mockGet, NOV_RANGE, NOVEMBER, rateHeaders } from './github-mocks.ts';

const query = (q: Record<string, unknown>) => github.querySchema.parse(q);

describe('github counts: one search request, its total_count', () => {
  it('merged_prs: is:pr is:merged merged:<window>, per_page 1', async () => {
    const seen = mockGet('/search/issues', [{ body: fixture('search-merged-prs-count.json'), headers: rateHeaders(29, 1_900_000_000) }]);
    const { ctx, recorded, connection } = makeContext();

    const values = await github.fetch(connection, query({ metric: 'merged_prs', repo: 'acme/widgets' }), ctx);

    expect(values).toEqual([{ value: 42, at: NOVEMBER.start }]);
    expect(seen).toEqual([{ path: '/search/issues', params: { q: `repo:acme/widgets is:pr is:merged merged:${NOV_RANGE}`, per_page: '1', page: '1' } }]);
    expect(recorded.usage).toEqual([{ used: 1, limit: 30 }]);
  });

  it('issues_opened over an organisation, with extra qualifiers appended', async () => {
    const seen = mockGet('/search/issues', [{ body: fixture('search-issues-opened-count.json') }]);
    const { ctx, connection } = makeContext();

    const values = await github.fetch(connection, query({ metric: 'issues_opened', org: 'acme', qualifiers: ' label:bug -author:app/dependabot ' }), ctx);

    expect(values).toEqual([{ value: 17, at: NOVEMBER.start }]);
    expect(seen[0]!.params.q).toBe(`org:acme is:issue created:${NOV_RANGE} label:bug -author:app/dependabot`);
  });

  it('issues_closed: is:issue closed:<window>', async () => {
    const seen = mockGet('/search/issues', [{ body: fixture('search-issues-closed-count.json') }]);
    const { ctx, connection } = makeContext();
    expect(await github.fetch(connection, query({ metric: 'issues_closed', repo: 'acme/widgets' }), ctx)).toEqual([{ value: 12, at: NOVEMBER.start }]);
    expect(seen[0]!.params.q).toBe(`repo:acme/widgets is:issue closed:${NOV_RANGE}`);
  });

  it('a search GitHub marks incomplete_results is a retryable error, not a short count', async () => {
    mockGet('/search/issues', [{ body: fixture('search-incomplete.json') }]);
    const { ctx, connection } = makeContext();
    const error = await github.fetch(connection, query({ metric: 'merged_prs', repo: 'acme/widgets' }), ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toContain('incomplete_results');
  });

  it('a backfill runs one search per period, each with its own range', async () => {
    const seen = mockGet(
      '/search/issues',
      Array.from({ length: 2 }, () => ({ body: fixture('search-merged-prs-count.json') })),
    );
    const window = { ...NOVEMBER, start: '2026-10-01T00:00:00.000+02:00' };
    const { ctx, connection } = makeContext({ window, mode: 'backfill' });

    const values = await github.fetch(connection, query({ metric: 'merged_prs', repo: 'acme/widgets' }), ctx);

    expect(values.map((v) => v.at)).toEqual(['2026-10-01T00:00:00.000+02:00', NOVEMBER.start]);
    expect(seen.map((r) => r.params.q)).toEqual([
      'repo:acme/widgets is:pr is:merged merged:2026-09-30T22:00:00+00:00..2026-10-31T22:59:59+00:00',
      `repo:acme/widgets is:pr is:merged merged:${NOV_RANGE}`,
    ]);
  });

  it("GitHub Enterprise Server: the base URL's /api/v3 prefix and the chosen API version are used", async () => {
    const base = 'https://ghe.example.com/api/v3';
    const seen = mockGet('/search/issues', [{ body: fixture('search-merged-prs-count.json') }], [], { base, version: '2026-03-10' });
    const connection = githubConnection({ baseUrl: `${base}/`, apiVersion: '2026-03-10' });
    const { ctx } = makeContext({ connection });
    expect(await github.fetch(connection, query({ metric: 'merged_prs', repo: 'acme/widgets' }), ctx)).toEqual([{ value: 42, at: NOVEMBER.start }]);
    expect(seen[0]!.path).toBe('/api/v3/search/issues');
  });

  it('every metric is a flow', () => {
    expect(github.measure!(query({ metric: 'issues_opened', repo: 'a/b' }))).toBe('flow');
    expect(github.backfill).toBe('per-period');
  });
});
