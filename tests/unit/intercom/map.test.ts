import { describe, expect, it } from 'vitest';
import { Aggregator, describeAdmin, readAdmin, readSearchPage, recordLabel, valueAt } from '../../../connectors/intercom/map.ts';
import { readIntercomRateLimit, readIntercomUsage } from '../../../connectors/intercom/rate-limit.ts';
import { BadResponseError } from '../../../src/sdk/errors.ts';
import { fixture } from './intercom-mocks.ts';

describe('readSearchPage', () => {
  it('reads total_count, the records and the next cursor of each list shape', () => {
    const conversations = readSearchPage(fixture('conversations-page-1.json'), 'conversations', 'here');
    expect(conversations.totalCount).toBe(4);
    expect(conversations.items).toHaveLength(2);
    expect(conversations.next).toBe('WzE3OTM1MjA2MDAwMDAsNTE2LDJd');

    expect(readSearchPage(fixture('conversations-page-2.json'), 'conversations', 'here').next).toBeUndefined();
    expect(readSearchPage(fixture('contacts-empty.json'), 'contacts', 'here')).toEqual({ totalCount: 0, items: [], next: undefined });
    expect(readSearchPage(fixture('tickets-count.json'), 'tickets', 'here').items).toHaveLength(1);
  });

  it.each([
    [undefined, 'got an empty body'],
    ['<html>', 'got text "<html>"'],
    [{ conversations: [] }, 'no total_count (got an empty body)'],
    [{ total_count: -1, conversations: [] }, 'no total_count (got number -1)'],
    [{ total_count: 3, conversations: {} }, '"conversations" is an object, not a list'],
  ])('refuses %j', (body, message) => {
    expect(() => readSearchPage(body, 'conversations', 'POST h/conversations/search')).toThrow(BadResponseError);
    expect(() => readSearchPage(body, 'conversations', 'POST h/conversations/search')).toThrow(message);
  });
});

describe('valueAt and recordLabel', () => {
  const record = { id: '515', statistics: { time_to_admin_reply: 2310, nothing: null }, custom_attributes: { 'plan-tier': 3 } };

  it('follows a dot path', () => {
    expect(valueAt(record, 'statistics.time_to_admin_reply')).toBe(2310);
    expect(valueAt(record, 'custom_attributes.plan-tier')).toBe(3);
    expect(valueAt(record, 'statistics.nothing')).toBeNull();
    expect(valueAt(record, 'statistics.missing.deeper')).toBeUndefined();
    expect(valueAt(record, 'constructor')).toBeUndefined();
  });

  it('names a record by its id or its position', () => {
    expect(recordLabel(record, 'conversations', 1)).toBe('conversation 515');
    expect(recordLabel({}, 'contacts', 7)).toBe('contact #7');
  });
});

describe('Aggregator', () => {
  it.each([
    ['sum', 12],
    ['avg', 4],
    ['min', 1],
    ['max', 8],
  ] as const)('%s of 3, 1, 8 is %d', (kind, expected) => {
    const aggregator = new Aggregator(kind);
    for (const n of [3, 1, 8]) aggregator.add(n);
    expect(aggregator.result()).toBe(expected);
    expect(aggregator.count).toBe(3);
  });

  it('of nothing: sum 0, no avg, min or max', () => {
    expect(new Aggregator('sum').result()).toBe(0);
    for (const kind of ['avg', 'min', 'max'] as const) expect(new Aggregator(kind).result()).toBeUndefined();
  });

  it('handles negatives for min and max', () => {
    const aggregator = new Aggregator('max');
    aggregator.add(-5);
    aggregator.add(-2);
    expect(aggregator.result()).toBe(-2);
  });
});

describe('readAdmin', () => {
  it('reads the admin_with_app example', () => {
    const admin = readAdmin(fixture('me.json'), 'GET h/me');
    expect(admin).toEqual({
      id: '991267459',
      name: 'Ciaran1 Lee',
      email: 'admin1@email.com',
      workspace: 'MyApp 1',
      workspaceId: 'this_is_an_id1_that_should_be_at_least_40',
      region: 'US',
    });
    expect(describeAdmin({ id: '7' })).toBe('(admin 7)');
  });

  it('refuses a body without an id', () => {
    expect(() => readAdmin({ type: 'admin' }, 'GET h/me')).toThrow(BadResponseError);
  });
});

describe('rate-limit headers', () => {
  it('reads remaining and the reset (Unix seconds → ms)', () => {
    const headers = { 'x-ratelimit-limit': '167', 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': '1487332520' };
    expect(readIntercomRateLimit(headers, 0)).toEqual({ remaining: 12, resetAt: 1_487_332_520_000 });
    expect(readIntercomUsage(headers)).toEqual({ used: 155, limit: 167 });
  });

  it('reads nothing when the headers are absent or unreadable', () => {
    expect(readIntercomRateLimit({}, 0)).toBeUndefined();
    expect(readIntercomRateLimit({ 'x-ratelimit-remaining': '5' }, 0)).toBeUndefined();
    expect(readIntercomRateLimit({ 'x-ratelimit-remaining': 'lots', 'x-ratelimit-reset': '1487332520' }, 0)).toBeUndefined();
    expect(readIntercomUsage({ 'x-ratelimit-remaining': '5' })).toBeUndefined();
  });
});
