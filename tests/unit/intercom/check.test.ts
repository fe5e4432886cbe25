import { createServer } from 'node:net';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import intercom from '../../../connectors/intercom/index.ts';
import { AuthError, BadResponseError, ConfigError, PermissionError, TransientError } from '../../../src/sdk/errors.ts';
import { BASE, intercomConnection, makeCheckContext, TOKEN } from '../../helpers/intercom-context.ts';
import { fixture } from './intercom-mocks.ts';

function mockMe(status: number, body: unknown, base = BASE, version = '2.14') {
  return nock(base)
    .matchHeader('authorization', `Bearer ${TOKEN}`)
    .matchHeader('intercom-version', version)
    .get('/me')
    .reply(status, body as nock.Body);
}

async function checkFailure(connection = intercomConnection()): Promise<unknown> {
  const { ctx } = makeCheckContext(connection, { attempts: 2 });
  return intercom.check(connection, ctx).then(
    () => {
      throw new Error('expected check to fail');
    },
    (error: unknown) => error,
  );
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('intercom check', () => {
  it('says who the token belongs to, the workspace, host and API version', async () => {
    const scope = mockMe(200, fixture('me.json'));
    const connection = intercomConnection();
    const { ctx } = makeCheckContext(connection);

    const result = await intercom.check(connection, ctx);
    expect(result.detail).toBe(
      'authenticated as Ciaran1 Lee <admin1@email.com> (admin 991267459), workspace "MyApp 1" ' +
        '(this_is_an_id1_that_should_be_at_least_40, region US) at api.intercom.io; Intercom-Version 2.14',
    );
    expect(scope.isDone()).toBe(true);
  });

  it('uses the EU host and the configured version', async () => {
    mockMe(200, fixture('me.json'), 'https://api.eu.intercom.io', '2.12');
    const connection = intercomConnection({ region: 'EU', version: '2.12' });
    const { ctx } = makeCheckContext(connection);
    expect((await intercom.check(connection, ctx)).detail).toMatch(/at api\.eu\.intercom\.io; Intercom-Version 2\.12$/);
  });

  it('bad credentials: AuthError', async () => {
    mockMe(401, fixture('error-unauthorized.json'));
    const error = await checkFailure();
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/^GET api\.intercom\.io\/me → 401 Unauthorized: unauthorized: .*check the access token/);
  });

  it('missing permission: PermissionError', async () => {
    mockMe(403, fixture('error-api-plan-restricted.json'));
    const error = await checkFailure();
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toContain('api_plan_restricted: Active subscription needed.');
  });

  it('wrong API version: ConfigError', async () => {
    mockMe(400, fixture('error-version-invalid.json'));
    const error = await checkFailure();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('Intercom rejected Intercom-Version 2.14');
  });

  it('unreachable host: TransientError with code KS_ERR_NETWORK', async () => {
    const port = await closedPort();
    const error = await checkFailure(intercomConnection({ baseUrl: `http://127.0.0.1:${port}` }));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).code).toBe('KS_ERR_NETWORK');
    expect((error as Error).message).toBe(`GET 127.0.0.1:${port}/me → connection refused (ECONNREFUSED) (after 2 attempts)`);
  });

  it('a /me answer that is not an admin: BadResponseError', async () => {
    mockMe(200, { type: 'error.list', errors: [] });
    expect(await checkFailure()).toBeInstanceOf(BadResponseError);
  });
});
