import type { Logger } from 'pino';
import {
  AuthError,
  BadResponseError,
  ConfigError,
  describeStatus,
  excerpt,
  PermissionError,
  z,
  type ConnectionState,
  type HttpClient,
  type HttpResponse,
  type KsError,
} from '../../src/sdk/index.ts';
import type { HttpConnection, OAuth2Auth } from './schema.ts';

/** The credentials a request carries, and a way to renew them once the API refuses them. */
export interface Authenticator {
  headers(): Promise<Record<string, string>>;
  /** Drops the current credential and gets a new one; false when there is nothing to renew (a static token). */
  renew(): Promise<boolean>;
  /** Every credential value, for scrubbing quoted error text. */
  secrets(): string[];
}

export const TOKEN_KEY = 'oauth2.accessToken';
/** Renew this long before the server's expiry, at most a tenth of the token's life: clocks drift, requests take time. */
const MARGIN_MS = 60_000;
/** How long a token without `expires_in` is shared: RFC 6749 leaves it to the server's documentation. A 401 renews it sooner. */
export const DEFAULT_TOKEN_TTL_MS = 5 * 60_000;

const storedToken = z.object({ accessToken: z.string().min(1) });

/**
 * RFC 6749 §5.1: `access_token`, `token_type`, optional `expires_in` (seconds; some servers
 * send it as a string) and `scope`.
 */
const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
});

export function createAuthenticator(options: { connection: HttpConnection; http: HttpClient; state: ConnectionState; logger: Logger }): Authenticator {
  const { auth, headers: extra } = options.connection;
  const extraSecrets = Object.values(extra);
  switch (auth.type) {
    case 'none':
      return fixed(extra, extraSecrets);
    case 'bearer':
      return fixed({ ...extra, authorization: `Bearer ${auth.token}` }, [...extraSecrets, auth.token]);
    case 'basic':
      return fixed({ ...extra, authorization: basic(auth.username, auth.password) }, [...extraSecrets, auth.password]);
    case 'header':
      return fixed({ ...extra, [auth.name]: auth.value }, [...extraSecrets, auth.value]);
    case 'oauth2':
      return clientCredentials(auth, extra, options);
  }
}

function fixed(headers: Record<string, string>, secrets: string[]): Authenticator {
  return { headers: async () => headers, renew: async () => false, secrets: () => secrets };
}

/**
 * The client credentials grant (RFC 6749 §4.4). The token is shared through the
 * connection state (every process and run of this connection) until shortly before it
 * expires, and renewed at once when the API answers 401 (revoked early, or a clock skew).
 */
function clientCredentials(
  auth: OAuth2Auth,
  extra: Record<string, string>,
  options: { http: HttpClient; state: ConnectionState; logger: Logger },
): Authenticator {
  let current: string | undefined;
  const secrets = () => [...Object.values(extra), auth.clientSecret, ...(current ? [current] : [])];
  const where = `POST ${tokenTarget(auth.tokenUrl)}`;

  async function requestToken(): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (auth.scope) form.set('scope', auth.scope);
    if (auth.audience) form.set('audience', auth.audience);
    const headers: Record<string, string> = {};
    if (auth.clientAuth === 'basic') {
      // §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
      headers.authorization = basic(formEncode(auth.clientId), formEncode(auth.clientSecret));
    } else {
      form.set('client_id', auth.clientId);
      form.set('client_secret', auth.clientSecret);
    }
    const response = await options.http.request({
      method: 'POST',
      url: auth.tokenUrl,
      headers,
      body: form,
      label: where,
      mapError: (res) => tokenError(res, where, secrets()),
    });
    const parsed = tokenResponse.safeParse(response.data);
    if (!parsed.success) throw new BadResponseError(`${where} → ${describeStatus(response.status)}: the answer has no access_token`);
    const { access_token: token, token_type: type, expires_in: expiresIn } = parsed.data;
    if (type !== undefined && type.toLowerCase() !== 'bearer') {
      throw new BadResponseError(`${where}: token_type ${JSON.stringify(type.slice(0, 20))} is not supported; only bearer tokens are (RFC 6750)`);
    }
    const ttlMs = expiresIn === undefined ? DEFAULT_TOKEN_TTL_MS : expiresIn * 1000 - Math.min(MARGIN_MS, (expiresIn * 1000) / 10);
    if (ttlMs > 0) await options.state.set(TOKEN_KEY, { accessToken: token }, { ttlMs });
    options.logger.debug({ expiresIn, sharedForMs: Math.max(0, ttlMs) }, 'oauth2 access token obtained');
    return token;
  }

  return {
    async headers() {
      if (current === undefined) {
        const stored = storedToken.safeParse(await options.state.get(TOKEN_KEY));
        current = stored.success ? stored.data.accessToken : await requestToken();
      }
      return { ...extra, authorization: `Bearer ${current}` };
    },
    async renew() {
      await options.state.delete(TOKEN_KEY);
      current = await requestToken();
      return true;
    },
    secrets,
  };
}

/**
 * The token endpoint's error body (RFC 6749 §5.2, `{error, error_description}`) → a
 * typed error: bad client credentials are an AuthError, a scope or grant the client may
 * not use a PermissionError, a malformed request a ConfigError.
 */
function tokenError(response: HttpResponse<unknown>, where: string, secrets: string[]): KsError | undefined {
  const body = response.data as { error?: unknown; error_description?: unknown } | undefined;
  const code = typeof body?.error === 'string' ? body.error : undefined;
  if (code === undefined) return undefined;
  const description = typeof body?.error_description === 'string' ? `: ${body.error_description}` : '';
  const message = `${where} → ${describeStatus(response.status)}: ${excerpt(`${code}${description}`, secrets, 300)}`;
  if (code === 'invalid_client' || code === 'invalid_grant') return new AuthError(`${message}; check clientId and clientSecret`);
  if (code === 'unauthorized_client' || code === 'invalid_scope') return new PermissionError(message);
  if (code === 'invalid_request' || code === 'unsupported_grant_type') return new ConfigError(message);
  return undefined;
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** application/x-www-form-urlencoded, as §2.3.1 asks for the client id and secret. */
function formEncode(text: string): string {
  return new URLSearchParams({ v: text }).toString().slice(2);
}

function tokenTarget(url: string): string {
  const parsed = new URL(url);
  return `${parsed.host}${parsed.pathname}`;
}
