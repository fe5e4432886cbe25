import { createServer } from 'node:net';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import connector from '../../../connectors/salesforce/index.ts';
import type { SalesforceConnection } from '../../../connectors/salesforce/schema.ts';
import { AuthError, ConfigError, PermissionError, TransientError } from '../../../src/sdk/index.ts';
import { salesforceCheckContext } from '../../helpers/salesforce-context.ts';
import { failure, fixture, httpFor, INSTANCE, LOGIN, refreshConnection, storeFor, TOKEN_PATH } from './sf-kit.ts';

const IDENTITY_PATH = '/id/00D5g000004fakeEAA/0055g00000AbcdeAAB';
const LIMITS_PATH = '/services/data/v66.0/limits';

function check(connection: SalesforceConnection) {
  const { http } = httpFor(connection);
  return connector.check(connection, salesforceCheckContext({ http, connectionState: storeFor(connection) }));
}

/** A loopback port with nothing listening: connection refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('salesforce check', () => {
  it("says who we are, the pinned and newest API version, and the org's API usage", async () => {
    const connection = refreshConnection();
    const token = nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token.json'));
    const bearer = { reqheaders: { authorization: 'Bearer 00D5g000004fake!AQ0AQEXAMPLEaccessTOKENone' } };
    const versions = nock(INSTANCE).get('/services/data').reply(200, fixture('versions.json'));
    const identity = nock(LOGIN, bearer).get(IDENTITY_PATH).reply(200, fixture('identity.json'));
    const limits = nock(INSTANCE, bearer).get(LIMITS_PATH).reply(200, fixture('limits.json'), { 'Sforce-Limit-Info': 'api-usage=1231/15000' });
    const result = await check(connection);
    expect(result.detail).toBe(
      'authenticated as kpi-sync@acme.example (org 00D5g000004fakeEAA, refreshToken flow); API v66.0 (newest offered: 68.0); API usage 1231/15000 (8.2%), budget 90%',
    );
    for (const scope of [token, versions, identity, limits]) scope.done();
  });

  it('a pinned version the org does not serve is a ConfigError naming the newest', async () => {
    const connection = refreshConnection({ apiVersion: '70.0' });
    nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token.json'));
    nock(INSTANCE).get('/services/data').reply(200, fixture('versions.json'));
    const error = await failure(check(connection));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('apiVersion 70.0 is not offered by acme.my.salesforce.com; it serves 65.0–68.0: set apiVersion: "68.0"');
  });

  it('bad credentials are an AuthError', async () => {
    const connection = refreshConnection();
    nock(LOGIN).post(TOKEN_PATH).reply(400, fixture('token-invalid-grant.json'));
    expect(await failure(check(connection))).toBeInstanceOf(AuthError);
  });

  it('an org or user without API access is a PermissionError saying which permission', async () => {
    const connection = refreshConnection();
    nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token.json'));
    nock(INSTANCE).get('/services/data').reply(200, fixture('versions.json'));
    nock(LOGIN).get(IDENTITY_PATH).reply(200, fixture('identity.json'));
    nock(INSTANCE).get(LIMITS_PATH).reply(403, fixture('error-api-disabled.json'));
    const error = await failure(check(connection));
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toContain('API_DISABLED_FOR_ORG');
    expect((error as Error).message).toContain('"API Enabled" permission');
  });

  it('a user who cannot read /limits still passes, with usage from Sforce-Limit-Info', async () => {
    const connection = refreshConnection();
    nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token.json'));
    nock(INSTANCE).get('/services/data').reply(200, fixture('versions.json'));
    nock(LOGIN).get(IDENTITY_PATH).reply(403, 'Bad_OAuth_Token');
    nock(INSTANCE).get(LIMITS_PATH).reply(403, fixture('error-insufficient-access.json'), { 'Sforce-Limit-Info': 'api-usage=77/15000' });
    const result = await check(connection);
    expect(result.detail).toContain('authenticated as user 0055g00000AbcdeAAB');
    expect(result.detail).toContain('API usage 77/15000 (0.5%)');
  });

  it('an unreachable login host is a TransientError with KS_ERR_NETWORK', async () => {
    const connection = refreshConnection({ loginUrl: `http://127.0.0.1:${await closedPort()}` });
    const error = await failure(check(connection));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).code).toBe('KS_ERR_NETWORK');
  });
});
