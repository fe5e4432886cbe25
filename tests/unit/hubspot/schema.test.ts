import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import hubspot from '../../../connectors/hubspot/index.ts';

const { connectionSchema, querySchema } = hubspot;

function messages(result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }): string[] {
  return (result.error?.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

const filter = (extra: Record<string, unknown>) => ({ metric: 'count', filterGroups: [{ filters: [{ propertyName: 'dealstage', ...extra }] }] });

describe('hubspot connectionSchema', () => {
  it("defaults: api.hubapi.com, 50 pages (HubSpot's 10,000-result ceiling)", () => {
    expect(connectionSchema.parse({ accessToken: 'pat-x' })).toEqual({ accessToken: 'pat-x', timeoutMs: 30_000, maxPages: 50, maxBackfillPeriods: 400 });
  });

  it('refuses pages past the ceiling, unknown keys, plain http off loopback, link-local hosts', () => {
    expect(messages(connectionSchema.safeParse({ accessToken: 'pat-x', maxPages: 51 }))[0]).toMatch(/^maxPages: /);
    expect(messages(connectionSchema.safeParse({ accessToken: 'pat-x', apiKey: 'x' }))[0]).toContain('Unrecognized key');
    expect(messages(connectionSchema.safeParse({ accessToken: 'pat-x', baseUrl: 'http://hubspot.internal' }))[0]).toContain(
      'plain http is only allowed for loopback',
    );
    expect(messages(connectionSchema.safeParse({ accessToken: 'pat-x', baseUrl: 'https://169.254.169.254' }))[0]).toMatch(/^baseUrl: .*allowLinkLocal/);
  });

  it('marks the access token write-only in the JSON Schema', () => {
    const json = z.toJSONSchema(connectionSchema, { io: 'input' }) as { properties: Record<string, { writeOnly?: boolean }> };
    expect(json.properties.accessToken?.writeOnly).toBe(true);
  });
});

describe('hubspot querySchema', () => {
  it('fills defaults per metric', () => {
    expect(querySchema.parse({ metric: 'deals_won' })).toEqual({ metric: 'deals_won' });
    expect(querySchema.parse({ metric: 'pipeline_amount', pipeline: 'default' })).toEqual({
      metric: 'pipeline_amount',
      pipeline: 'default',
      amountProperty: 'amount',
      createdInWindow: false,
    });
    expect(querySchema.parse(filter({ operator: 'EQ', value: 42 }))).toMatchObject({ objectType: 'deals', filterGroups: [{ filters: [{ value: '42' }] }] });
  });

  it('pipeline_amount needs a pipeline', () => {
    expect(messages(querySchema.safeParse({ metric: 'pipeline_amount' }))[0]).toMatch(/^pipeline: /);
  });

  it('checks each operator has what it needs, naming the field', () => {
    expect(messages(querySchema.safeParse(filter({ operator: 'IN' })))).toEqual(['filterGroups.0.filters.0.values: IN needs values: [...]']);
    expect(messages(querySchema.safeParse(filter({ operator: 'BETWEEN', value: '1' })))).toEqual([
      'filterGroups.0.filters.0.highValue: BETWEEN needs value and highValue',
    ]);
    expect(messages(querySchema.safeParse(filter({ operator: 'GT' })))).toEqual(['filterGroups.0.filters.0.value: GT needs a value']);
    expect(messages(querySchema.safeParse(filter({ operator: 'LIKE', value: 'x' })))[0]).toMatch(/^filterGroups\.0\.filters\.0\.operator: /);
    expect(querySchema.safeParse(filter({ operator: 'HAS_PROPERTY' })).success).toBe(true);
  });

  it("enforces HubSpot's limits: 5 groups, 10 filters a group, 25 in all", () => {
    const f = { propertyName: 'dealstage', operator: 'HAS_PROPERTY' };
    expect(messages(querySchema.safeParse({ metric: 'count', filterGroups: Array.from({ length: 6 }, () => ({ filters: [f] })) }))[0]).toMatch(
      /^filterGroups: /,
    );
    expect(messages(querySchema.safeParse({ metric: 'count', filterGroups: [{ filters: Array.from({ length: 11 }, () => f) }] }))[0]).toMatch(
      /^filterGroups\.0\.filters: /,
    );
    expect(
      messages(querySchema.safeParse({ metric: 'count', filterGroups: Array.from({ length: 3 }, () => ({ filters: Array.from({ length: 9 }, () => f) })) })),
    ).toEqual(['filterGroups: 27 filters in all; HubSpot takes at most 25']);
  });

  it('refuses malformed property names and object types', () => {
    expect(messages(querySchema.safeParse(filter({ propertyName: 'deal stage', operator: 'HAS_PROPERTY' })))[0]).toBe(
      'filterGroups.0.filters.0.propertyName: a HubSpot property name, e.g. dealstage',
    );
    expect(
      messages(
        querySchema.safeParse({ metric: 'count', objectType: 'Deals!', filterGroups: [{ filters: [{ propertyName: 'x', operator: 'HAS_PROPERTY' }] }] }),
      )[0],
    ).toMatch(/^objectType: /);
  });
});
