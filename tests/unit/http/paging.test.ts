import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import http from '../../../connectors/http/index.ts';
import { nextLink } from '../../../connectors/http/paging.ts';
import { connection, context, fixture, NOVEMBER, query } from './http-mocks.ts';
import { startLoopbackApi, type LoopbackApi } from './loopback-server.ts';

let api: LoopbackApi;
beforeAll(async () => {
  api = await startLoopbackApi();
});
afterEach(() => api.reset());
afterAll(async () => {
  await api.close();
});

async function run(settings: Record<string, unknown>) {
  const conn = connection(api.url);
  const { ctx } = context({ conn });
  const values = await http.fetch(conn, query(settings), ctx);
  return { values, ctx };
}

/** GitHub's issue list over three pages linked by `Link: <…?page=n>; rel="next"` (plus rel="last", as GitHub sends). */
function githubIssues(pages = 3, next = (n: number) => `${api.url}/repos/acme/shop/issues?state=closed&page=${n}`): void {
  api.on('GET', '/repos/acme/shop/issues', (request) => {
    const page = Number(request.query.get('page') ?? '1');
    const links = [page < pages ? `<${next(page + 1)}>; rel="next"` : undefined, `<${next(pages)}>; rel="last"`].filter(Boolean).join(', ');
    return { headers: { link: links }, body: fixture(`github-issues-page-${Math.min(page, 3)}.json`) };
  });
}

const ISSUES = { path: '/repos/acme/shop/issues?state=closed', pagination: { type: 'link' } };

describe('http paging: link (RFC 8288 rel="next")', () => {
  it('follows next links and sums the picked values of every page, one request a page', async () => {
    githubIssues();
    const { values, ctx } = await run({ ...ISSUES, pick: { jsonpath: '$[*].comments' }, aggregate: 'sum' });
    expect(values).toEqual([{ value: 3 + 0 + 5 + 1 + 2, at: NOVEMBER.start }]);
    expect(api.received.map((r) => r.query.get('page'))).toEqual([null, '2', '3']);
    expect(ctx.diagnostics.counters.requests).toBe(3);
  });

  it('counts, averages and picks the extremes and the last', async () => {
    const results: Record<string, number | undefined> = {};
    for (const aggregate of ['count', 'avg', 'min', 'max', 'last']) {
      githubIssues();
      results[aggregate] = (await run({ ...ISSUES, pick: { jsonpath: '$[*].comments' }, aggregate })).values[0]?.value;
    }
    expect(results).toEqual({ count: 5, avg: 11 / 5, min: 0, max: 5, last: 2 });
  });

  it('follows a relative next link', async () => {
    githubIssues(3, (n) => `/repos/acme/shop/issues?state=closed&page=${n}`);
    const { values } = await run({ ...ISSUES, pick: { jsonpath: '$[*].number' }, aggregate: 'count' });
    expect(values[0]!.value).toBe(5);
  });

  it('fails past maxPages rather than store a partial total', async () => {
    githubIssues();
    const error = await run({ ...ISSUES, pagination: { type: 'link', maxPages: 2 }, pick: { jsonpath: '$[*].comments' }, aggregate: 'sum' }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'KS_ERR_QUERY', message: expect.stringContaining('more than 2 pages; narrow the query') });
    expect(api.received).toHaveLength(2);
  });

  it('refuses a next link on another origin: the credentials would follow it', async () => {
    githubIssues(3, (n) => `https://elsewhere.example.com/issues?page=${n}`);
    const error = await run({ ...ISSUES, pick: { jsonpath: '$[*].comments' }, aggregate: 'sum' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KS_ERR_BAD_RESPONSE', message: expect.stringContaining('on another origin') });
    expect(api.received).toHaveLength(1);
  });

  it('reads rel lists and several links', () => {
    expect(nextLink('<https://a.example/x?page=5>; rel="last", <https://a.example/x?page=2>; rel="next"')).toBe('https://a.example/x?page=2');
    expect(nextLink('</x?p=2>; title="n"; rel="prefetch next"')).toBe('/x?p=2');
    expect(nextLink('<https://a.example/x?page=5>; rel=last')).toBeUndefined();
    expect(nextLink(undefined)).toBeUndefined();
  });
});

/** Stripe's charge search: `next_page` is the cursor, sent back in the `page` query parameter, null on the last page. */
function stripeSearch(): void {
  const pages: Record<string, string> = {
    '': 'stripe-charges-search-1.json',
    WzE3NjI1MDAwMDBd: 'stripe-charges-search-2.json',
    WzE3NjMwMDAwMDBd: 'stripe-charges-search-3.json',
  };
  api.on('GET', '/v1/charges/search', (request) => ({ body: fixture(pages[request.query.get('page') ?? '']!) }));
}

const CHARGES = {
  path: '/v1/charges/search',
  params: { query: 'created>={{window.startUnix}} AND created<{{window.endUnix}}' },
  pagination: { type: 'cursor', cursorPath: '$.next_page', param: 'page' },
};

describe('http paging: cursor', () => {
  it('sends each next_page back until it is null, summing the picked amounts', async () => {
    stripeSearch();
    const { values } = await run({ ...CHARGES, pick: { jsonpath: '$.data[?(@.status === "succeeded")].amount' }, aggregate: 'sum' });
    expect(values).toEqual([{ value: 2500 + 4000 + 300, at: NOVEMBER.start }]);
    expect(api.received.map((r) => r.query.get('page'))).toEqual([null, 'WzE3NjI1MDAwMDBd', 'WzE3NjMwMDAwMDBd']);
    expect(api.received.every((r) => r.query.get('query') === 'created>=1761951600 AND created<1764543600')).toBe(true);
  });

  it('sends the cursor in a POST body', async () => {
    api.on('POST', '/v1/reports', (request) => {
      const body = request.json as { cursor?: string };
      return { body: body.cursor === undefined ? { total: 10, next: 'c2' } : { total: 5, next: null } };
    });
    const { values } = await run({
      method: 'POST',
      path: '/v1/reports',
      body: { from: '{{window.startUnix}}' },
      pick: { jsonpath: '$.total' },
      aggregate: 'sum',
      pagination: { type: 'cursor', cursorPath: '$.next', param: 'cursor', in: 'body' },
    });
    expect(values[0]!.value).toBe(15);
    expect(api.received.map((r) => r.json)).toEqual([{ from: 1761951600 }, { from: 1761951600, cursor: 'c2' }]);
  });

  it('stops a cursor that comes back again', async () => {
    api.on('GET', '/v1/items', () => ({ body: { items: [1], next: 'same' } }));
    const error = await run({
      path: '/v1/items',
      pick: { jsonpath: '$.items[*]' },
      aggregate: 'sum',
      pagination: { type: 'cursor', cursorPath: '$.next', param: 'cursor' },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KS_ERR_BAD_RESPONSE', message: expect.stringContaining('already followed') });
    expect(api.received).toHaveLength(2);
  });

  it('fails past maxPages', async () => {
    let n = 0;
    api.on('GET', '/v1/items', () => ({ body: { items: [1], next: `c${(n += 1)}` } }));
    const error = await run({
      path: '/v1/items',
      pick: { jsonpath: '$.items[*]' },
      aggregate: 'sum',
      pagination: { type: 'cursor', cursorPath: '$.next', param: 'cursor', maxPages: 3 },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KS_ERR_QUERY', message: expect.stringContaining('more than 3 pages') });
    expect(api.received).toHaveLength(3);
  });
});

describe('http paging: page numbers', () => {
  it('stops at the total pages the body gives (Intercom companies)', async () => {
    api.on('GET', '/companies', (request) => ({ body: fixture(`intercom-companies-page-${request.query.get('page')}.json`) }));
    const { values } = await run({
      path: '/companies?per_page=2',
      pick: { jsonpath: '$.data[*].monthly_spend' },
      aggregate: 'sum',
      pagination: { type: 'page', totalPagesPath: '$.pages.total_pages' },
    });
    expect(values[0]!.value).toBe(249.5);
    expect(api.received.map((r) => r.query.get('page'))).toEqual(['1', '2']);
  });

  it('without a total, stops at the first empty page', async () => {
    api.on('GET', '/v1/orders', (request) => {
      const page = Number(request.query.get('p'));
      return { body: { orders: page < 3 ? [{ amount: 10 * (page + 1) }] : [] } };
    });
    const { values } = await run({
      path: '/v1/orders',
      pick: { jsonpath: '$.orders[*].amount' },
      aggregate: 'sum',
      pagination: { type: 'page', param: 'p', start: 0 },
    });
    expect(values[0]!.value).toBe(10 + 20 + 30);
    expect(api.received.map((r) => r.query.get('p'))).toEqual(['0', '1', '2', '3']);
  });

  it('fails past maxPages', async () => {
    api.on('GET', '/v1/orders', () => ({ body: { orders: [{ amount: 1 }] } }));
    const error = await run({
      path: '/v1/orders',
      pick: { jsonpath: '$.orders[*].amount' },
      aggregate: 'sum',
      pagination: { type: 'page', maxPages: 4 },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KS_ERR_QUERY', message: expect.stringContaining('more than 4 pages') });
    expect(api.received).toHaveLength(4);
  });
});
