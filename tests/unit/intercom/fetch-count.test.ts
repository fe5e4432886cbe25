import { describe, expect, it } from 'vitest';
import intercom from '../../../connectors/intercom/index.ts';
import { intercomConnection, makeContext, NOVEMBER, TOKEN } from '../../helpers/intercom-context.ts';
import { fixture, mockSearch, rateHeaders } from './intercom-mocks.ts';

const NOV_START = Date.parse(NOVEMBER.start) / 1000;
const NOV_END = Date.parse(NOVEMBER.end) / 1000;

/** Conversations created in the window: `>` and `<` are inclusive on this endpoint, hence last_unix. */
const createdInWindow = {
  operator: 'AND',
  value: [
    { field: 'created_at', operator: '>', value: '{{window.start_unix}}' },
    { field: 'created_at', operator: '<', value: '{{window.last_unix}}' },
    { field: 'state', operator: '=', value: 'closed' },
  ],
};

describe('intercom fetch: counts cost one request', () => {
  it('POSTs /conversations/search with per_page 1 and the rendered query, and returns total_count', async () => {
    const seen = mockSearch('conversations', [{ body: fixture('conversations-count.json'), headers: rateHeaders(150, NOV_START) }]);
    const { ctx, recorded, connection } = makeContext();
    const query = intercom.querySchema.parse({ object: 'conversations', query: createdInWindow });

    const values = await intercom.fetch(connection, query, ctx);

    expect(values).toEqual([{ value: 12345, at: NOVEMBER.start }]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.uri).toBe('/conversations/search');
    expect(seen[0]!.body).toEqual({
      query: {
        operator: 'AND',
        value: [
          { field: 'created_at', operator: '>', value: NOV_START },
          { field: 'created_at', operator: '<', value: NOV_END - 1 },
          { field: 'state', operator: '=', value: 'closed' },
        ],
      },
      pagination: { per_page: 1 },
    });
    expect(recorded.usage).toEqual([{ used: 17, limit: 167 }]);
  });

  it('counts tickets from the tickets list', async () => {
    const seen = mockSearch('tickets', [{ body: fixture('tickets-count.json') }]);
    const { ctx, connection } = makeContext();
    const query = intercom.querySchema.parse({ object: 'tickets', query: { field: 'open', operator: '=', value: true } });

    expect(await intercom.fetch(connection, query, ctx)).toEqual([{ value: 42, at: NOVEMBER.start }]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.body).toEqual({ query: { field: 'open', operator: '=', value: true }, pagination: { per_page: 1 } });
  });

  it('an empty result counts 0', async () => {
    const seen = mockSearch('contacts', [{ body: fixture('contacts-empty.json') }]);
    const { ctx, connection } = makeContext();
    const query = intercom.querySchema.parse({
      object: 'contacts',
      query: {
        operator: 'AND',
        value: [
          { field: 'created_at', operator: '>', value: '{{window.prev_day_unix}}' },
          { field: 'created_at', operator: '<', value: '{{window.end_unix}}' },
        ],
      },
    });

    expect(await intercom.fetch(connection, query, ctx)).toEqual([{ value: 0, at: NOVEMBER.start }]);
    expect(seen[0]!.body.query).toEqual({
      operator: 'AND',
      value: [
        { field: 'created_at', operator: '>', value: NOV_START - 12 * 3600 },
        { field: 'created_at', operator: '<', value: NOV_END },
      ],
    });
  });

  it.each([
    ['EU', 'https://api.eu.intercom.io'],
    ['AU', 'https://api.au.intercom.io'],
    ['us', 'https://api.intercom.io'],
  ])('region %s goes to %s', async (region, host) => {
    const seen = mockSearch('tickets', [{ body: fixture('tickets-count.json') }], { base: host });
    const { ctx, connection } = makeContext({ connection: intercomConnection({ region }) });
    const query = intercom.querySchema.parse({ object: 'tickets', query: { field: 'open', operator: '=', value: true } });

    await intercom.fetch(connection, query, ctx);
    expect(seen).toHaveLength(1);
  });

  it('an explicit base URL (a local proxy) replaces the region host, and the configured version is sent', async () => {
    const seen = mockSearch('tickets', [{ body: fixture('tickets-count.json') }], { base: 'http://127.0.0.1:8089', version: '2.11' });
    const connection = intercomConnection({ region: 'EU', baseUrl: 'http://127.0.0.1:8089/', version: 2.11 });
    const { ctx } = makeContext({ connection });
    const query = intercom.querySchema.parse({ object: 'tickets', query: { field: 'open', operator: '=', value: true } });

    expect(await intercom.fetch(connection, query, ctx)).toEqual([{ value: 42, at: NOVEMBER.start }]);
    expect(seen).toHaveLength(1);
  });

  it('keeps ISO placeholders as text inside a longer string', async () => {
    const seen = mockSearch('contacts', [{ body: fixture('contacts-empty.json') }]);
    const { ctx, connection } = makeContext();
    const query = intercom.querySchema.parse({
      object: 'contacts',
      query: { field: 'custom_attributes.cohort', operator: '=', value: 'cohort-{{window.start}}' },
    });

    await intercom.fetch(connection, query, ctx);
    expect(seen[0]!.body.query).toEqual({ field: 'custom_attributes.cohort', operator: '=', value: `cohort-${NOVEMBER.start}` });
  });

  it('logs the request count without the token or the query values', async () => {
    mockSearch('conversations', [{ body: fixture('conversations-count.json') }]);
    const { ctx, recorded, connection } = makeContext();
    const query = intercom.querySchema.parse({ object: 'conversations', query: { field: 'source.author.email', operator: '=', value: 'vip@example.com' } });

    await intercom.fetch(connection, query, ctx);
    const logged = recorded.logs.join('\n');
    expect(logged).toContain('intercom search count');
    expect(logged).not.toContain(TOKEN);
    expect(logged).not.toContain('vip@example.com');
  });
});
