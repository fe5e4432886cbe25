import nock from 'nock';
import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import intercom from '../../../connectors/intercom/index.ts';
import { BASE, makeCheckContext, makeContext, TOKEN, intercomConnection } from '../../helpers/intercom-context.ts';
import { mockSearch } from './intercom-mocks.ts';

/** Bodies that echo the credential back, as a debugging proxy or a careless gateway might. */
const echoes = [
  { type: 'error.list', errors: [{ code: 'unauthorized', message: `Access Token Invalid: ${TOKEN}` }] },
  { type: 'error.list', errors: [{ code: 'token_revoked', message: `Authorization: Bearer ${TOKEN} was revoked` }] },
];

/** Also logs the error the way a runner would (pino's err serializer walks message, stack, props and cause). */
function expectNoSecret(error: unknown, logger: Logger, logs: string[]): void {
  expect(error).toBeInstanceOf(Error);
  logger.error({ err: error }, `sync failed: ${String(error)}`);
  expect(logs.length).toBeGreaterThan(0);
  const err = error as Error;
  for (const text of [err.message, String(err), JSON.stringify(err), err.stack ?? '', JSON.stringify(err.cause ?? null), logs.join('\n')]) {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(TOKEN.slice(0, 16));
  }
}

const countQuery = intercom.querySchema.parse({ object: 'tickets', query: { field: 'open', operator: '=', value: true } });

describe('intercom: the access token appears in no error or log line', () => {
  it.each(echoes)('fetch, 401 echoing the token (%#)', async (body) => {
    mockSearch('tickets', [{ status: 401, body }]);
    const { ctx, recorded, connection } = makeContext();
    const error = await intercom.fetch(connection, countQuery, ctx).catch((e: unknown) => e);
    expectNoSecret(error, ctx.logger, recorded.logs);
  });

  it('fetch, intercom_version_invalid echoing the token', async () => {
    mockSearch('tickets', [
      { status: 400, body: { type: 'error.list', errors: [{ code: 'intercom_version_invalid', message: `bad version for token ${TOKEN}` }] } },
    ]);
    const { ctx, recorded, connection } = makeContext();
    const error = await intercom.fetch(connection, countQuery, ctx).catch((e: unknown) => e);
    expect((error as Error).name).toBe('ConfigError');
    expectNoSecret(error, ctx.logger, recorded.logs);
  });

  it.each(echoes)('check, 401 echoing the token (%#)', async (body) => {
    nock(BASE).get('/me').reply(401, body);
    const connection = intercomConnection();
    const { ctx, recorded } = makeCheckContext(connection);
    const error = await intercom.check(connection, ctx).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AuthError');
    expectNoSecret(error, ctx.logger, recorded.logs);
  });
});
