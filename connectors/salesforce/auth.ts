/**
 * Token requests, one per OAuth 2.0 flow, all POSTed form-encoded to
 * `<loginUrl>/services/oauth2/token` through jsforce's OAuth2 (its transport swapped for
 * the sdk's, see transport.ts). jsforce has no JWT bearer helper, so the RS256 assertion
 * is signed here and exchanged through `OAuth2.requestToken`.
 * https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { BadResponseError, ConfigError, isLoopbackHost, z, type HttpClient } from '../../src/sdk/index.ts';
import { tokenErrorMapper } from './errors.ts';
import { resolveLoginUrl, type SalesforceAuth, type SalesforceConnection } from './schema.ts';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Salesforce accepts assertions that expire within 3 minutes. */
const JWT_LIFETIME_SECONDS = 180;

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  instance_url: z.string().min(1),
  id: z.string().min(1),
  token_type: z.string().optional(),
  issued_at: z.string().optional(),
  signature: z.string().optional(),
  scope: z.string().optional(),
  refresh_token: z.string().min(1).optional(),
});

export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** What a login yields: the bearer token, where to send API calls, and who we are. */
export interface Session {
  accessToken: string;
  instanceUrl: string;
  /** The identity URL path `/id/<orgId>/<userId>`, served by the login host. */
  identityPath: string;
  orgId: string;
  userId: string;
  /** A new refresh token when the app rotates them. */
  refreshToken?: string;
}

/** Every credential a connection holds, for scrubbing messages. */
export function secretsOf(auth: SalesforceAuth, extra: ReadonlyArray<string | undefined> = []): string[] {
  const values: Array<string | undefined> = [...extra];
  switch (auth.flow) {
    case 'refreshToken':
      values.push(auth.refreshToken, auth.clientSecret);
      break;
    case 'jwt':
      values.push(auth.privateKey);
      break;
    case 'clientCredentials':
      values.push(auth.clientSecret);
      break;
    case 'password':
      values.push(auth.clientSecret, auth.password, auth.securityToken, auth.securityToken ? auth.password + auth.securityToken : undefined);
      break;
  }
  return values.filter((v): v is string => typeof v === 'string' && v.length >= 4);
}

/** `https://test.salesforce.com` for sandboxes (test host or a `.sandbox.my.salesforce.com` domain), else production. */
export function defaultAudience(loginUrl: string): string {
  const host = new URL(loginUrl).hostname;
  return host === 'test.salesforce.com' || host.endsWith('.sandbox.my.salesforce.com') ? 'https://test.salesforce.com' : 'https://login.salesforce.com';
}

function privateKeyOf(pem: string): KeyObject {
  // A key passed through an environment variable often arrives with literal "\n".
  const text = pem.includes('\n') ? pem : pem.replace(/\\n/g, '\n');
  try {
    const key = createPrivateKey(text);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(key.asymmetricKeyType ?? 'unknown');
    return key;
  } catch {
    // Never echo the key or the parser's message about it.
    throw new ConfigError('auth.privateKey is not a PEM RSA private key (PKCS#8 "BEGIN PRIVATE KEY" or PKCS#1 "BEGIN RSA PRIVATE KEY")');
  }
}

/** The signed assertion: iss = consumer key, sub = username, aud = login host, exp ≤ 3 min. */
export async function signAssertion(auth: Extract<SalesforceAuth, { flow: 'jwt' }>, loginUrl: string, nowMs: number): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(auth.clientId)
    .setSubject(auth.username)
    .setAudience(auth.audience ?? defaultAudience(loginUrl))
    .setIssuedAt(now)
    .setExpirationTime(now + JWT_LIFETIME_SECONDS)
    .sign(privateKeyOf(auth.privateKey));
}

/**
 * Requests a token for the connection's flow. `refreshToken` is the one to present in
 * the refresh token flow (the newest known, which may be a rotated one).
 */
export async function requestToken(connection: SalesforceConnection, http: HttpClient, refreshToken: string | undefined, nowMs: number): Promise<Session> {
  const { auth } = connection;
  const loginUrl = resolveLoginUrl(connection.loginUrl);
  const tokenUrl = `${loginUrl}/services/oauth2/token`;
  const target = `POST ${new URL(tokenUrl).host}/services/oauth2/token`;
  const secrets = secretsOf(auth, [refreshToken]);
  // Loaded on first login, not at startup: jsforce takes ~0.2 s to import, and most CLI commands never log in.
  const [{ OAuth2 }, { SdkTransport }] = await Promise.all([import('jsforce/lib/oauth2.js'), import('./transport.ts')]);
  // The JWT flow sends only grant_type and assertion; jsforce adds client_id/secret when it has them.
  const oauth2 = new OAuth2({
    loginUrl,
    ...(auth.flow === 'jwt' ? {} : { clientId: auth.clientId }),
    ...('clientSecret' in auth && auth.clientSecret !== undefined ? { clientSecret: auth.clientSecret } : {}),
  });
  oauth2._transport = new SdkTransport(http, tokenErrorMapper(target, auth.flow, secrets));
  let answer: unknown;
  switch (auth.flow) {
    case 'refreshToken':
      answer = await oauth2.refreshToken(refreshToken ?? auth.refreshToken);
      break;
    case 'password':
      answer = await oauth2.authenticate(auth.username, auth.password + (auth.securityToken ?? ''));
      break;
    case 'clientCredentials':
      answer = await oauth2.requestToken({ grant_type: 'client_credentials' });
      break;
    case 'jwt':
      answer = await oauth2.requestToken({ grant_type: JWT_BEARER_GRANT, assertion: await signAssertion(auth, loginUrl, nowMs) });
      break;
  }
  return sessionOf(answer, target, connection.instanceUrl);
}

function sessionOf(answer: unknown, target: string, instanceOverride: string | undefined): Session {
  const parsed = tokenResponseSchema.safeParse(answer);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadResponseError(`${target} → 200 but not a token response (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'unexpected shape'})`);
  }
  const token = parsed.data;
  const identity = /\/id\/([A-Za-z0-9]{15,18})\/([A-Za-z0-9]{15,18})\/?$/.exec(token.id);
  if (!identity) throw new BadResponseError(`${target} → 200 but the identity URL "${token.id.slice(0, 120)}" is not /id/<org>/<user>`);
  return {
    accessToken: token.access_token,
    instanceUrl: instanceOverride ?? checkedInstanceUrl(token.instance_url, target),
    identityPath: `/id/${identity[1]}/${identity[2]}`,
    orgId: identity[1] as string,
    userId: identity[2] as string,
    ...(token.refresh_token ? { refreshToken: token.refresh_token } : {}),
  };
}

/** The bearer token will be sent there: https only (plain http on loopback), no path. */
function checkedInstanceUrl(text: string, target: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BadResponseError(`${target} → 200 but instance_url is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new BadResponseError(`${target} → 200 but instance_url ${url.origin} is not https; set instanceUrl to override it`);
  }
  return url.origin;
}
