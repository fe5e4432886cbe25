import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import github from '../../../connectors/github/index.ts';
import { githubConnection, makeCheckContext, makeContext, mockGet, TOKEN } from './github-mocks.ts';

/** Bodies that echo the token back, as a debugging proxy or a careless gateway might. */
const echoes = [
  { message: `Bad credentials for ${TOKEN}`, documentation_url: 'https://docs.github.com/rest', status: '401' },
  {
    message: 'Validation Failed',
    errors: [{ code: 'invalid', field: 'q', message: `Authorization: Bearer ${TOKEN}` }],
    documentation_url: 'https://docs.github.com/v3/search/',
  },
];

function expectNoSecret(error: unknown, logger: Logger, logs: string[]): void {
  expect(error).toBeInstanceOf(Error);
  logger.error({ err: error }, `sync failed: ${String(error)}`);
  const err = error as Error;
  for (const text of [err.message, String(err), JSON.stringify(err), err.stack ?? '', JSON.stringify(err.cause ?? null), logs.join('\n')]) {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(TOKEN.slice(11, 40));
  }
}

const query = github.querySchema.parse({ metric: 'issues_opened', repo: 'acme/widgets' });

describe('github: the token appears in no error, log line or result', () => {
  it.each([
    [401, echoes[0]],
    [422, echoes[1]],
  ])('fetch, %i echoing the token', async (status, body) => {
    mockGet('/search/issues', [{ status, body }]);
    const { ctx, recorded, connection } = makeContext();
    const error = await github.fetch(connection, query, ctx).catch((e: unknown) => e);
    expectNoSecret(error, ctx.logger, recorded.logs);
  });

  it('check, 401 echoing the token', async () => {
    mockGet('/rate_limit', [{ status: 401, body: echoes[0] }]);
    const connection = githubConnection();
    const { ctx, recorded } = makeCheckContext(connection);
    const error = await github.check(connection, ctx).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AuthError');
    expectNoSecret(error, ctx.logger, recorded.logs);
  });
});
