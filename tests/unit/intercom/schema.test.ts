import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import intercom from '../../../connectors/intercom/index.ts';
import { connectionSchema as rawConnectionSchema } from '../../../connectors/intercom/schema.ts';
import { isSecretSchema } from '../../../src/sdk/secret.ts';

const { connectionSchema, querySchema } = intercom;

function messages(result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }): string[] {
  return (result.error?.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('intercom connectionSchema', () => {
  it('defaults to the US region, version 2.14, a 30 s timeout', () => {
    expect(connectionSchema.parse({ accessToken: 'tok' })).toEqual({
      accessToken: 'tok',
      region: 'US',
      version: '2.14',
      timeoutMs: 30_000,
      maxPages: 200,
      maxBackfillPeriods: 400,
    });
  });

  it('accepts region in either case', () => {
    expect(connectionSchema.parse({ accessToken: 'tok', region: 'eu' }).region).toBe('EU');
    expect(connectionSchema.parse({ accessToken: 'tok', region: 'AU' }).region).toBe('AU');
  });

  it.each([
    ['2.11', '2.11'],
    ['2.13', '2.13'],
    [2.12, '2.12'],
    [2.14, '2.14'],
  ])('accepts version %s', (version, expected) => {
    expect(connectionSchema.parse({ accessToken: 'tok', version }).version).toBe(expected);
  });

  it('rejects a version outside 2.11–2.14 with the list, and hints at YAML quoting for numbers', () => {
    expect(messages(connectionSchema.safeParse({ accessToken: 'tok', version: '2.9' }))).toEqual([
      'version: Intercom-Version "2.9" is not supported by this connector; use one of 2.11, 2.12, 2.13, 2.14',
    ]);
    expect(messages(connectionSchema.safeParse({ accessToken: 'tok', version: 2.1 }))[0]).toContain('quote the version in YAML');
  });

  it('takes https base URLs, and plain http only on loopback', () => {
    expect(connectionSchema.parse({ accessToken: 'tok', baseUrl: 'https://proxy.example.com/intercom/' }).baseUrl).toBe('https://proxy.example.com/intercom');
    expect(connectionSchema.parse({ accessToken: 'tok', baseUrl: 'http://localhost:8080' }).baseUrl).toBe('http://localhost:8080');
    expect(messages(connectionSchema.safeParse({ accessToken: 'tok', baseUrl: 'http://proxy.example.com' }))[0]).toContain(
      'plain http is only allowed for loopback',
    );
  });

  it('requires a token and rejects unknown keys', () => {
    expect(connectionSchema.safeParse({}).success).toBe(false);
    expect(connectionSchema.safeParse({ accessToken: '' }).success).toBe(false);
    expect(messages(connectionSchema.safeParse({ accessToken: 'tok', token: 'x' }))[0]).toContain('Unrecognized key');
  });

  it('marks the access token secret', () => {
    expect(isSecretSchema(rawConnectionSchema.shape.accessToken)).toBe(true);
  });

  it('exports to JSON Schema (as the config loader does) with the token writeOnly', () => {
    const schema = z.toJSONSchema(connectionSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as {
      properties: Record<string, { writeOnly?: boolean }>;
    };
    expect(schema.properties.accessToken?.writeOnly).toBe(true);
    expect(() => z.toJSONSchema(querySchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' })).not.toThrow();
  });
});

describe('intercom querySchema', () => {
  const query = { field: 'state', operator: '=', value: 'open' };

  it('defaults to a count', () => {
    expect(querySchema.parse({ object: 'conversations', query })).toEqual({ object: 'conversations', query, aggregate: 'count' });
  });

  it('takes nested AND/OR groups with window placeholders', () => {
    const nested = {
      operator: 'AND',
      value: [
        { field: 'created_at', operator: '>', value: '{{window.start_unix}}' },
        {
          operator: 'OR',
          value: [
            { field: 'state', operator: 'IN', value: ['open', 'snoozed'] },
            { field: 'priority', operator: '=', value: 'priority' },
          ],
        },
      ],
    };
    expect(querySchema.parse({ object: 'tickets', query: nested }).query).toEqual(nested);
  });

  it('needs a field for sum/avg/min/max and refuses one for count', () => {
    expect(messages(querySchema.safeParse({ object: 'conversations', query, aggregate: 'avg' }))).toEqual([
      'field: aggregate "avg" needs a field, e.g. statistics.time_to_admin_reply',
    ]);
    expect(messages(querySchema.safeParse({ object: 'conversations', query, field: 'statistics.time_to_admin_reply' }))).toEqual([
      'field: a count takes no field; remove it or choose sum/avg/min/max',
    ]);
    expect(querySchema.safeParse({ object: 'conversations', query, aggregate: 'sum', field: 'statistics..x' }).success).toBe(false);
  });

  it('rejects unknown objects and malformed queries, pointing at the spot', () => {
    expect(querySchema.safeParse({ object: 'companies', query }).success).toBe(false);
    expect(messages(querySchema.safeParse({ object: 'contacts', query: { field: 'role', operator: 'IN', value: 'user' } }))).toEqual([
      'query.value: operator IN takes a list of values',
    ]);
    expect(messages(querySchema.safeParse({ object: 'contacts', query: { field: 'role', operator: '=', value: ['a'] } }))).toEqual([
      'query.value: operator = takes one value; use IN or NIN for a list',
    ]);
    expect(messages(querySchema.safeParse({ object: 'contacts', query: { operator: 'AND', value: [] } }))).toEqual([
      'query.value: an AND/OR group needs at least one filter',
    ]);
    const sixteen = Array.from({ length: 16 }, () => query);
    expect(messages(querySchema.safeParse({ object: 'contacts', query: { operator: 'OR', value: sixteen } }))).toEqual([
      'query.value: Intercom allows at most 15 filters in an AND/OR group',
    ]);
    const [typo] = messages(querySchema.safeParse({ object: 'contacts', query: { operator: 'XOR', value: [query] } }));
    expect(typo).toMatch(/^query\.operator: /);
  });
});
