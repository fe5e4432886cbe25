import nock from 'nock';
import github from '../connectors/github/index.ts';
import { createHttpClient } from '../src/sdk/http.ts';
import type { ConnectorContext, SyncWindow } from '../src/sdk/index.ts';
import { createTestContext } from '../src/sdk/testing/context.ts';

const BASE = 'https://api.github.com';
const WINDOW: SyncWindow = { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z', timeZone: 'UTC', interval: 'month' };
/** What the mocked repository holds. */
const MERGED = 640;
const DEPLOYMENTS_IN_WINDOW = 150;
const DEPLOYMENTS_AFTER_WINDOW = 30;
const YEAR_MONTHS = 12;

type Connection = ReturnType<typeof github.connectionSchema.parse>;

/**
 * Requests one GitHub KPI value costs, against nock mocks shaped like the search and
 * deployments endpoints: counts read one search `total_count`; the lead time pages the
 * merged PRs 100 at a time; deployments page newest first until past the window, plus
 * one statuses request per deployment with `state: success`.
 */
export async function run(): Promise<Record<string, unknown>> {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  try {
    const connection = github.connectionSchema.parse({ token: 'ghp_bench' });
    const measure = async (query: Record<string, unknown>, window = WINDOW, mode: ConnectorContext['mode'] = 'current') => {
      const counter = mockGithub();
      const values = await github.fetch(connection, github.querySchema.parse(query), context(connection, window, mode));
      nock.cleanAll();
      return { requests: counter.requests, values };
    };
    const repo = 'acme/widgets';
    const merged = await measure({ metric: 'merged_prs', repo });
    const opened = await measure({ metric: 'issues_opened', org: 'acme' });
    const closed = await measure({ metric: 'issues_closed', repo });
    const lead = await measure({ metric: 'pr_lead_time', repo });
    const deployments = await measure({ metric: 'deployments', repo });
    const succeeded = await measure({ metric: 'deployments', repo, state: 'success' });
    const year = await measure({ metric: 'merged_prs', repo }, { ...WINDOW, start: '2025-12-01T00:00:00.000Z' }, 'backfill');
    if (merged.values[0]?.value !== MERGED || lead.values[0]?.value !== 24 || deployments.values[0]?.value !== DEPLOYMENTS_IN_WINDOW) {
      throw new Error('github bench: the connector read the wrong values');
    }
    if (year.values.length !== YEAR_MONTHS) throw new Error(`github bench: a year's backfill gave ${year.values.length} values`);
    return {
      objects: { mergedPrs: MERGED, deploymentsInWindow: DEPLOYMENTS_IN_WINDOW, deploymentsAfterWindow: DEPLOYMENTS_AFTER_WINDOW },
      mergedPrsRequestsPerValue: merged.requests,
      issuesOpenedRequestsPerValue: opened.requests,
      issuesClosedRequestsPerValue: closed.requests,
      prLeadTimeRequestsPerValue: lead.requests,
      deploymentsRequestsPerValue: deployments.requests,
      deploymentsSuccessRequestsPerValue: succeeded.requests,
      backfillCountRequestsPerPeriod: year.requests / YEAR_MONTHS,
    };
  } finally {
    nock.cleanAll();
    nock.enableNetConnect();
  }
}

/** Search over MERGED pull requests (each merged 24 h after opening) and a deployments list, newest first. */
function mockGithub(): { requests: number } {
  const counter = { requests: 0 };
  const windowStart = Date.parse(WINDOW.start);
  const windowEnd = Date.parse(WINDOW.end);
  nock(BASE)
    .get(/.*/)
    .times(Number.MAX_SAFE_INTEGER)
    .reply(
      200,
      (request: Request) => {
        counter.requests += 1;
        const url = new URL(request.url);
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        if (url.pathname === '/search/issues') {
          const size = Math.max(0, Math.min(perPage, MERGED - (page - 1) * perPage));
          const items = Array.from({ length: size }, () => ({ created_at: '2026-11-10T00:00:00Z', pull_request: { merged_at: '2026-11-11T00:00:00Z' } }));
          return { total_count: MERGED, incomplete_results: false, search_type: 'lexical', items };
        }
        if (url.pathname.endsWith('/statuses')) return [{ id: 1, state: 'success' }];
        // Newest first: some after the window, then those spread over it, then older ones. Every page says there is a next.
        const newest = windowEnd + DEPLOYMENTS_AFTER_WINDOW * 3_600_000;
        const step = (windowEnd - windowStart) / DEPLOYMENTS_IN_WINDOW;
        const all = DEPLOYMENTS_AFTER_WINDOW + DEPLOYMENTS_IN_WINDOW + 1_000;
        const from = (page - 1) * perPage;
        return Array.from({ length: Math.max(0, Math.min(perPage, all - from)) }, (_, i) => {
          const n = from + i;
          const at = n < DEPLOYMENTS_AFTER_WINDOW ? newest - n * 3_600_000 : windowEnd - (n - DEPLOYMENTS_AFTER_WINDOW + 1) * step + 1;
          return { id: 10_000 - n, created_at: new Date(Math.floor(at)).toISOString() };
        });
      },
      { link: `<${BASE}/repositories/1/deployments?page=2>; rel="next"` },
    );
  return counter;
}

function context(connection: Connection, window: SyncWindow, mode: ConnectorContext['mode']): ConnectorContext {
  return createTestContext({ window, mode, http: createHttpClient({ ...github.http!(connection) }) });
}
