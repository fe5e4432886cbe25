import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import connector from '../../../connectors/salesforce/index.ts';
import { connectionSchema, type SalesforceConnection } from '../../../connectors/salesforce/schema.ts';
import { AuthError, BadResponseError, ConfigError } from '../../../src/sdk/index.ts';
import { salesforceContext } from '../../helpers/salesforce-context.ts';
import { failure, fixture, form, httpFor, INSTANCE, LOGIN, query, QUERY_PATH, refreshConnection, SECRETS, storeFor, SUM_SOQL, TOKEN_PATH } from './sf-kit.ts';

const sumQuery = query({ soql: SUM_SOQL });

async function fetchOnce(connection: SalesforceConnection, options: { logLines?: Record<string, unknown>[]; baseDir?: string } = {}) {
  const { http } = httpFor(connection);
  return connector.fetch(connection, sumQuery, salesforceContext({ http, connectionState: storeFor(connection), ...options }));
}

/** A token request to `host`, answered with the fixture `reply`; `seen` gets the form body it was sent. */
function tokenRequest(host: string, reply: string, seen: (body: Record<string, string>) => void, options?: nock.Options) {
  return nock(host, options)
    .post(TOKEN_PATH, (b) => {
      seen(form(b));
      return true;
    })
    .reply(200, fixture(reply));
}

function queryOk() {
  return nock(INSTANCE).get(QUERY_PATH).query(true).reply(200, fixture('query-sum.json'));
}

/**
 * Verifies an RS256 compact JWT synchronously (a nock body matcher cannot await):
 * the signature over header.payload with the public key, then the decoded parts.
 */
function verifyRs256(jwt: unknown, publicKey: KeyObject): { header: Record<string, unknown>; claims: Record<string, unknown> } | undefined {
  if (typeof jwt !== 'string') return undefined;
  const [head, payload, signature] = jwt.split('.');
  if (!head || !payload || !signature) return undefined;
  const ok = verify('RSA-SHA256', Buffer.from(`${head}.${payload}`), publicKey, Buffer.from(signature, 'base64url'));
  if (!ok) return undefined;
  const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: decode(head), claims: decode(payload) };
}

describe('salesforce auth: token requests per flow (form bodies as in the Postman collection)', () => {
  it('refresh token flow: grant_type, refresh_token, client_id, client_secret, form-encoded', async () => {
    const connection = refreshConnection();
    let body: Record<string, string> = {};
    const token = tokenRequest(LOGIN, 'token.json', (b) => (body = b), { reqheaders: { 'content-type': 'application/x-www-form-urlencoded' } });
    queryOk();
    await fetchOnce(connection);
    expect(body).toEqual({
      grant_type: 'refresh_token',
      refresh_token: SECRETS.refreshToken,
      client_id: connection.auth.clientId,
      client_secret: SECRETS.clientSecret,
    });
    token.done();
  });

  it('password flow on a sandbox: password and security token concatenated, to test.salesforce.com', async () => {
    const connection = connectionSchema.parse({
      loginUrl: 'sandbox',
      auth: {
        flow: 'password',
        clientId: `3MVG9-pw-${Date.now()}`,
        clientSecret: SECRETS.clientSecret,
        username: 'kpi@acme.example.sandbox',
        password: SECRETS.password,
        securityToken: SECRETS.securityToken,
      },
    });
    let body: Record<string, string> = {};
    tokenRequest('https://test.salesforce.com', 'token.json', (b) => (body = b));
    queryOk();
    await fetchOnce(connection);
    expect(body).toEqual({
      grant_type: 'password',
      client_id: connection.auth.clientId,
      client_secret: SECRETS.clientSecret,
      username: 'kpi@acme.example.sandbox',
      password: SECRETS.password + SECRETS.securityToken,
    });
  });

  it('client credentials flow against the My Domain login URL', async () => {
    const connection = connectionSchema.parse({
      loginUrl: INSTANCE,
      auth: { flow: 'clientCredentials', clientId: `3MVG9-cc-${Date.now()}`, clientSecret: SECRETS.clientSecret },
    });
    let body: Record<string, string> = {};
    tokenRequest(INSTANCE, 'token.json', (b) => (body = b));
    queryOk();
    await fetchOnce(connection);
    expect(body).toEqual({ grant_type: 'client_credentials', client_id: connection.auth.clientId, client_secret: SECRETS.clientSecret });
  });

  it('JWT bearer flow: only grant_type and an RS256 assertion with iss, sub, aud and a short exp', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const clientId = `3MVG9-jwt-${Date.now()}`;
    const connection = connectionSchema.parse({ auth: { flow: 'jwt', clientId, username: 'integration@acme.example', privateKey: pem } });
    let claims: Record<string, unknown> = {};
    let header: Record<string, unknown> = {};
    let keys: string[] = [];
    const token = nock(LOGIN)
      .post(TOKEN_PATH, (b) => {
        const body = form(b);
        keys = Object.keys(body).sort();
        const jwt = verifyRs256(body.assertion, publicKey);
        if (!jwt || body.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return false;
        ({ header, claims } = jwt);
        return true;
      })
      .reply(200, fixture('token.json'));
    queryOk();
    const before = Math.floor(Date.now() / 1000);
    await fetchOnce(connection);
    token.done();
    expect(keys).toEqual(['assertion', 'grant_type']);
    expect(header.alg).toBe('RS256');
    expect(claims).toMatchObject({ iss: clientId, sub: 'integration@acme.example', aud: 'https://login.salesforce.com' });
    const exp = claims.exp as number;
    expect(exp).toBeGreaterThan(before);
    expect(exp - before).toBeLessThanOrEqual(181);
  });

  it('JWT audience is test.salesforce.com for a sandbox My Domain', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().replace(/\n/g, '\\n');
    const sandbox = 'https://acme--uat.sandbox.my.salesforce.com';
    const connection = connectionSchema.parse({
      loginUrl: sandbox,
      auth: { flow: 'jwt', clientId: `3MVG9-jwt2-${Date.now()}`, username: 'u@acme.example.uat', privateKey: pem },
    });
    let aud: unknown;
    nock(sandbox)
      .post(TOKEN_PATH, (b) => {
        aud = verifyRs256(form(b).assertion, publicKey)?.claims.aud;
        return aud !== undefined;
      })
      .reply(200, fixture('token.json'));
    queryOk();
    await fetchOnce(connection);
    expect(aud).toBe('https://test.salesforce.com');
  });

  it('a private key that is not PEM is a ConfigError that does not quote it', async () => {
    const connection = connectionSchema.parse({
      auth: { flow: 'jwt', clientId: `3MVG9-bad-${Date.now()}`, username: 'u@acme.example', privateKey: 'not-a-key-SECRETMATERIAL' },
    });
    const error = await failure(fetchOnce(connection));
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).not.toContain('SECRETMATERIAL');
  });
});

describe('salesforce auth: failures', () => {
  it('invalid_grant is an AuthError after exactly one token request (never retried)', async () => {
    const connection = refreshConnection();
    const token = nock(LOGIN).post(TOKEN_PATH).reply(400, fixture('token-invalid-grant.json'));
    const error = await failure(fetchOnce(connection));
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).retryable).toBe(false);
    expect((error as Error).message).toContain('400 Bad Request: invalid_grant: expired access/refresh token');
    expect((error as Error).message).toContain('authorise the app again');
    token.done();
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('unsupported_grant_type is a ConfigError', async () => {
    const connection = refreshConnection();
    nock(LOGIN).post(TOKEN_PATH).reply(400, fixture('token-unsupported-grant.json'));
    expect(await failure(fetchOnce(connection))).toBeInstanceOf(ConfigError);
  });

  it('a 503 from the token endpoint is retried', async () => {
    const connection = refreshConnection();
    nock(LOGIN).post(TOKEN_PATH).reply(503, 'Service Unavailable');
    nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token.json'));
    queryOk();
    expect((await fetchOnce(connection))[0]?.value).toBe(1284500.5);
  });

  it('a token answer without access_token is a BadResponseError', async () => {
    const connection = refreshConnection();
    nock(LOGIN).post(TOKEN_PATH).reply(200, { error: 'none' });
    expect(await failure(fetchOnce(connection))).toBeInstanceOf(BadResponseError);
  });

  it('no secret reaches the error, its JSON, its cause or the log when auth fails', async () => {
    const connection = refreshConnection();
    const lines: Record<string, unknown>[] = [];
    // A hostile or buggy endpoint that echoes what it was sent.
    nock(LOGIN)
      .post(TOKEN_PATH)
      .reply(400, {
        error: 'invalid_grant',
        error_description: `bad refresh ${SECRETS.refreshToken} for client secret ${SECRETS.clientSecret}`,
      });
    const error = await failure(fetchOnce(connection, { logLines: lines }));
    expect(error).toBeInstanceOf(AuthError);
    const err = error as Error & { cause?: unknown };
    const surfaces = [err.message, String(err), JSON.stringify(err), JSON.stringify(err.cause), err.stack ?? '', JSON.stringify(lines)];
    for (const secret of [SECRETS.refreshToken, SECRETS.clientSecret]) {
      for (const text of surfaces) expect(text).not.toContain(secret);
    }
    expect(err.message).toContain('[redacted]');
  });
});

describe('salesforce auth: rotated refresh tokens', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kpi-sync-sf-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a rotated token to refreshTokenFile (mode 600) and presents it at the next login', async () => {
    const connection = refreshConnection({}, { refreshTokenFile: 'sf-refresh-token' });
    const lines: Record<string, unknown>[] = [];
    nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token-rotated.json'));
    queryOk();
    await fetchOnce(connection, { baseDir: dir, logLines: lines });
    const file = path.join(dir, 'sf-refresh-token');
    const rotated = fixture<{ refresh_token: string }>('token-rotated.json').refresh_token;
    expect((await readFile(file, 'utf8')).trim()).toBe(rotated);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(lines)).not.toContain(rotated);

    // The session expires: the next login must present the rotated token, not the configured one.
    let presented = '';
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(401, fixture('error-invalid-session.json'));
    tokenRequest(LOGIN, 'token-second.json', (b) => (presented = b.refresh_token ?? ''));
    queryOk();
    await fetchOnce(connection, { baseDir: dir });
    expect(presented).toBe(rotated);
  });

  it('prefers a token already in the file (rotated by another process) over the configured one', async () => {
    await writeFile(path.join(dir, 'token'), 'FROM-FILE-refresh-token-0000000000\n');
    const connection = refreshConnection({}, { refreshTokenFile: 'token' });
    let presented = '';
    tokenRequest(LOGIN, 'token.json', (b) => (presented = b.refresh_token ?? ''));
    queryOk();
    await fetchOnce(connection, { baseDir: dir });
    expect(presented).toBe('FROM-FILE-refresh-token-0000000000');
  });

  it('without refreshTokenFile keeps the rotated token in memory and warns once, without the token', async () => {
    const connection = refreshConnection();
    const lines: Record<string, unknown>[] = [];
    nock(LOGIN).post(TOKEN_PATH).reply(200, fixture('token-rotated.json'));
    queryOk();
    await fetchOnce(connection, { logLines: lines });
    const warning = lines.find((l) => String(l.msg).includes('refreshTokenFile'));
    expect(warning?.level).toBe(40);
    const rotated = fixture<{ refresh_token: string }>('token-rotated.json').refresh_token;
    expect(JSON.stringify(lines)).not.toContain(rotated);

    let presented = '';
    nock(INSTANCE).get(QUERY_PATH).query(true).reply(401, fixture('error-invalid-session.json'));
    tokenRequest(LOGIN, 'token.json', (b) => (presented = b.refresh_token ?? ''));
    queryOk();
    await fetchOnce(connection);
    expect(presented).toBe(rotated);
  });

  it('concurrent runs on one connection share one login', async () => {
    const connection = refreshConnection();
    const token = nock(LOGIN).post(TOKEN_PATH).delay(20).reply(200, fixture('token.json'));
    nock(INSTANCE).get(QUERY_PATH).query(true).times(3).reply(200, fixture('query-sum.json'));
    await Promise.all([fetchOnce(connection), fetchOnce(connection), fetchOnce(connection)]);
    token.done();
    expect(nock.pendingMocks()).toEqual([]);
  });
});
