import { describe, expect, it } from 'vitest';
import intercom from '../../../connectors/intercom/index.ts';
import { BadResponseError, QueryError } from '../../../src/sdk/errors.ts';
import { intercomConnection, makeContext, NOVEMBER } from '../../helpers/intercom-context.ts';
import { fixture, mockSearch } from './intercom-mocks.ts';

const CURSOR = 'WzE3OTM1MjA2MDAwMDAsNTE2LDJd';
const closedInWindow = {
  operator: 'AND',
  value: [
    { field: 'created_at', operator: '>', value: '{{window.start_unix}}' },
    { field: 'created_at', operator: '<', value: '{{window.last_unix}}' },
    { field: 'state', operator: '=', value: 'closed' },
  ],
};

function replyTimeQuery(aggregate: string) {
  return intercom.querySchema.parse({ object: 'conversations', query: closedInWindow, aggregate, field: 'statistics.time_to_admin_reply' });
}

/** Two pages: replies of 120, 300, 60 seconds and one conversation without statistics. */
function mockTwoPages() {
  return mockSearch('conversations', [{ body: fixture('conversations-page-1.json') }, { body: fixture('conversations-page-2.json') }]);
}

describe('intercom fetch: aggregates page with starting_after in the body', () => {
  it('sums a field over every page: one request per 150 records', async () => {
    const seen = mockTwoPages();
    const { ctx, recorded, connection } = makeContext();

    expect(await intercom.fetch(connection, replyTimeQuery('sum'), ctx)).toEqual([{ value: 480, at: NOVEMBER.start }]);

    expect(seen).toHaveLength(2);
    expect(seen.map((r) => r.uri)).toEqual(['/conversations/search', '/conversations/search']);
    expect(seen[0]!.body.pagination).toEqual({ per_page: 150 });
    expect(seen[1]!.body.pagination).toEqual({ per_page: 150, starting_after: CURSOR });
    expect(seen[1]!.body.query).toEqual(seen[0]!.body.query);
    expect(recorded.counters).toEqual({ recordsRead: 4, recordsWithoutField: 1 });
    expect(recorded.rejects).toEqual([]);
  });

  it.each([
    ['avg', 160],
    ['min', 60],
    ['max', 300],
  ])('%s leaves records without the field out', async (aggregate, expected) => {
    mockTwoPages();
    const { ctx, connection } = makeContext();
    expect(await intercom.fetch(connection, replyTimeQuery(aggregate), ctx)).toEqual([{ value: expected, at: NOVEMBER.start }]);
  });

  it('an empty result sums to 0 and has no average', async () => {
    const empty = { type: 'conversation.list', pages: { type: 'pages', page: 1, per_page: 150, total_pages: 0 }, total_count: 0, conversations: [] };
    mockSearch('conversations', [{ body: empty }, { body: empty }]);
    const { ctx, connection } = makeContext();

    expect(await intercom.fetch(connection, replyTimeQuery('sum'), ctx)).toEqual([{ value: 0, at: NOVEMBER.start }]);
    expect(await intercom.fetch(connection, replyTimeQuery('avg'), ctx)).toEqual([]);
  });

  it('rejects a record whose field is not a number, naming the record', async () => {
    const page = fixture('conversations-page-2.json');
    const conversations = page.conversations as Array<Record<string, unknown>>;
    conversations[0] = { ...conversations[0], statistics: { time_to_admin_reply: 'soon' } };
    mockSearch('conversations', [{ body: page }]);
    const { ctx, recorded, connection } = makeContext();

    expect(await intercom.fetch(connection, replyTimeQuery('sum'), ctx)).toEqual([{ value: 0, at: NOVEMBER.start }]);
    expect(recorded.rejects).toEqual([{ where: 'conversation 517', reason: 'statistics.time_to_admin_reply is "soon", not a number' }]);
  });

  it('stops at maxPages with a QueryError that says what to change', async () => {
    mockSearch('conversations', [{ body: fixture('conversations-page-1.json') }, { body: fixture('conversations-page-1.json') }]);
    const { ctx, connection } = makeContext({ connection: intercomConnection({ maxPages: 1 }) });

    const error = await intercom.fetch(connection, replyTimeQuery('sum'), ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toMatch(/more than 1 pages of 150 records.*maxPages/);
  });

  it('refuses to follow a cursor it has already followed', async () => {
    const page = fixture('conversations-page-1.json');
    mockSearch('conversations', [{ body: page }, { body: page }, { body: page }]);
    const { ctx, connection } = makeContext();

    const error = await intercom.fetch(connection, replyTimeQuery('sum'), ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadResponseError);
    expect((error as Error).message).toContain('cursor already followed');
  });

  it('reads contact custom attributes by dot path', async () => {
    const contacts = {
      type: 'list',
      data: [
        { type: 'contact', id: '6762f0dd1bb69f9f2193bb83', custom_attributes: { seats: 12 } },
        { type: 'contact', id: '6762f0dd1bb69f9f2193bb84', custom_attributes: { seats: 30 } },
      ],
      total_count: 2,
      pages: { type: 'pages', page: 1, per_page: 150, total_pages: 1 },
    };
    const seen = mockSearch('contacts', [{ body: contacts }]);
    const { ctx, connection } = makeContext();
    const query = intercom.querySchema.parse({
      object: 'contacts',
      query: { field: 'role', operator: '=', value: 'user' },
      aggregate: 'sum',
      field: 'custom_attributes.seats',
    });

    expect(await intercom.fetch(connection, query, ctx)).toEqual([{ value: 42, at: NOVEMBER.start }]);
    expect(seen).toHaveLength(1);
  });
});
