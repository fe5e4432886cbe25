import { describe, expect, it } from 'vitest';
import hubspot from '../../../connectors/hubspot/index.ts';
import { AuthError, BadResponseError, PermissionError, QueryError, TransientError } from '../../../src/sdk/errors.ts';
import { fixture, hubspotConnection, makeCheckContext, makeContext, mockSearch, type MockReply } from './hubspot-mocks.ts';

const wonQuery = hubspot.querySchema.parse({ metric: 'deals_won' });

async function failure(replies: MockReply[], attempts = 1): Promise<{ error: unknown; requests: number }> {
  const seen = mockSearch('deals', replies);
  const { ctx, connection } = makeContext({ http: { attempts } });
  const error = await hubspot.fetch(connection, wonQuery, ctx).then(
    () => {
      throw new Error('expected the fetch to fail');
    },
    (e: unknown) => e,
  );
  return { error, requests: seen.length };
}

describe("hubspot errors: HubSpot's error bodies become typed errors", () => {
  it("401 is an AuthError with HubSpot's category and words, not retried", async () => {
    const { error, requests } = await failure([{ status: 401, body: fixture('error-unauthorized.json') }], 3);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(
      /^POST api\.hubapi\.com\/crm\/v3\/objects\/deals\/search → 401: INVALID_AUTHENTICATION: Authentication credentials not found\..*; check the private app's access token \(rotated, or the app deleted\?\)$/,
    );
    expect(requests).toBe(1);
  });

  it('403 MISSING_SCOPES is a PermissionError naming the scope to grant', async () => {
    const { error, requests } = await failure([{ status: 403, body: fixture('error-missing-scopes.json') }], 3);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toContain("MISSING_SCOPES: This app hasn't been granted all required scopes");
    expect((error as Error).message).toMatch(/; give the private app the scope crm\.objects\.deals\.read$/);
    expect(requests).toBe(1);
  });

  it("400 VALIDATION_ERROR is a QueryError with HubSpot's message and where it points", async () => {
    const { error, requests } = await failure([{ status: 400, body: fixture('error-validation.json') }], 3);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toBe(
      'POST api.hubapi.com/crm/v3/objects/deals/search → 400: VALIDATION_ERROR: There was a problem with the request.; ' +
        'filterGroups[0].filters[0].propertyName: Unable to find a property named dealstag',
    );
    expect(requests).toBe(1);
  });

  it('500 is retried, then a TransientError', async () => {
    const { error, requests } = await failure(
      Array.from({ length: 2 }, () => ({ status: 500, body: fixture('error-internal.json') })),
      2,
    );
    expect(error).toBeInstanceOf(TransientError);
    expect(requests).toBe(2);
  });

  it('an answer without total is a BadResponseError', async () => {
    const { error } = await failure([{ body: { results: [] } }]);
    expect(error).toBeInstanceOf(BadResponseError);
    expect((error as Error).message).toBe('POST api.hubapi.com/crm/v3/objects/deals/search: the answer has no total');
  });
});

describe('hubspot check', () => {
  it('counts the deals the token can read', async () => {
    const seen = mockSearch('deals', [{ body: fixture('deals-won-count.json') }]);
    const connection = hubspotConnection();
    const { ctx } = makeCheckContext(connection);
    expect((await hubspot.check(connection, ctx)).detail).toBe('token accepted at api.hubapi.com; deals readable (23 deals)');
    expect(seen[0]!.body).toEqual({
      filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'HAS_PROPERTY' }] }],
      properties: ['hs_object_id'],
      limit: 1,
    });
  });

  it('maps a token without the deals scope to KS_ERR_PERMISSION', async () => {
    mockSearch('deals', [{ status: 403, body: fixture('error-missing-scopes.json') }]);
    const connection = hubspotConnection();
    const { ctx } = makeCheckContext(connection);
    await expect(hubspot.check(connection, ctx)).rejects.toMatchObject({ code: 'KS_ERR_PERMISSION' });
  });
});
