import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import hubspot from '../../../connectors/hubspot/index.ts';
import { hubspotConnection, makeCheckContext, makeContext, mockSearch, TOKEN } from './hubspot-mocks.ts';

/** Bodies that echo the token back, as a debugging proxy or a careless gateway might. */
const echoes = [
  { status: 'error', message: `The access token ${TOKEN} is expired or invalid`, correlationId: 'c1', category: 'INVALID_AUTHENTICATION' },
  {
    status: 'error',
    message: 'There was a problem with the request.',
    errors: [{ message: `Authorization: Bearer ${TOKEN}`, in: 'header' }],
    category: 'VALIDATION_ERROR',
    correlationId: 'c2',
  },
];

function expectNoSecret(error: unknown, logger: Logger, logs: string[]): void {
  expect(error).toBeInstanceOf(Error);
  logger.error({ err: error }, `sync failed: ${String(error)}`);
  const err = error as Error;
  for (const text of [err.message, String(err), JSON.stringify(err), err.stack ?? '', JSON.stringify(err.cause ?? null), logs.join('\n')]) {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(TOKEN.slice(8, 30));
  }
}

const query = hubspot.querySchema.parse({ metric: 'deals_won' });

describe('hubspot: the access token appears in no error, log line or result', () => {
  it.each([
    [401, echoes[0]],
    [400, echoes[1]],
  ])('fetch, %i echoing the token', async (status, body) => {
    mockSearch('deals', [{ status, body }]);
    const { ctx, recorded, connection } = makeContext();
    const error = await hubspot.fetch(connection, query, ctx).catch((e: unknown) => e);
    expectNoSecret(error, ctx.logger, recorded.logs);
  });

  it('check, 401 echoing the token', async () => {
    mockSearch('deals', [{ status: 401, body: echoes[0] }]);
    const connection = hubspotConnection();
    const { ctx, recorded } = makeCheckContext(connection);
    const error = await hubspot.check(connection, ctx).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AuthError');
    expectNoSecret(error, ctx.logger, recorded.logs);
  });
});
