import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE, bearerOf, cookieOf, isAuthorized, isLoopbackHost, safeEqual, sessionValue } from '../../../src/server/auth.ts';
import { assertSafeBinding, resolveServerOptions } from '../../../src/server/server-options.ts';

describe('server auth', () => {
  it('knows loopback bind addresses from the rest', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'example.com', '128.0.0.1']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('compares tokens of any length without throwing', () => {
    expect(safeEqual('secret', 'secret')).toBe(true);
    expect(safeEqual('secret', 'secret-but-longer')).toBe(false);
    expect(safeEqual('', 'secret')).toBe(false);
  });

  it('reads bearer headers and cookies', () => {
    expect(bearerOf('Bearer abc.def')).toBe('abc.def');
    expect(bearerOf('bearer   abc')).toBe('abc');
    expect(bearerOf('Basic abc')).toBeUndefined();
    expect(bearerOf(undefined)).toBeUndefined();
    expect(cookieOf('a=1; kpi_sync_session=xyz; b=2', SESSION_COOKIE)).toBe('xyz');
    expect(cookieOf('kpi_sync_session_old=xyz', SESSION_COOKIE)).toBeUndefined();
  });

  it('accepts the bearer token or the session cookie derived from it, nothing else', () => {
    const token = 'long-random-token';
    expect(isAuthorized(token, { authorization: `Bearer ${token}` })).toBe(true);
    expect(isAuthorized(token, { cookie: `${SESSION_COOKIE}=${sessionValue(token)}` })).toBe(true);
    expect(isAuthorized(token, { cookie: `${SESSION_COOKIE}=${token}` })).toBe(false);
    expect(isAuthorized(token, { cookie: `${SESSION_COOKIE}=${sessionValue('other')}` })).toBe(false);
    // A wrong bearer header is not rescued by a good cookie: the caller said who it is.
    expect(isAuthorized(token, { authorization: 'Bearer nope', cookie: `${SESSION_COOKIE}=${sessionValue(token)}` })).toBe(false);
    expect(isAuthorized(token, {})).toBe(false);
  });
});

describe('server options', () => {
  it('takes the port from --port, else KPI_SYNC_PORT, else the config, else 8787', () => {
    expect(resolveServerOptions({})).toEqual({ enabled: true, host: '127.0.0.1', port: 8787 });
    expect(resolveServerOptions({ settings: { port: 9000 } }).port).toBe(9000);
    expect(resolveServerOptions({ settings: { port: 9000 }, env: { KPI_SYNC_PORT: '9100' } }).port).toBe(9100);
    expect(resolveServerOptions({ settings: { port: 9000 }, env: { KPI_SYNC_PORT: '9100' }, portFlag: '9200' }).port).toBe(9200);
    expect(() => resolveServerOptions({ portFlag: '80a' })).toThrow('--port must be a port number from 0 to 65535, got "80a"');
    expect(() => resolveServerOptions({ env: { KPI_SYNC_PORT: '70000' } })).toThrow(/KPI_SYNC_PORT must be a port number/);
  });

  it('refuses a host beyond loopback without a token, and a blank token anywhere', () => {
    expect(() => resolveServerOptions({ settings: { host: '0.0.0.0' } })).toThrow(/refusing to serve on 0\.0\.0\.0 without a token/);
    expect(resolveServerOptions({ settings: { host: '0.0.0.0', token: 't0k3n' } })).toEqual({ enabled: true, host: '0.0.0.0', port: 8787, token: 't0k3n' });
    expect(() => assertSafeBinding({ host: '127.0.0.1', token: '  ' })).toThrow(/token is empty/);
    expect(resolveServerOptions({ settings: { enabled: false } }).enabled).toBe(false);
  });

  it('takes the host from KPI_SYNC_HOST and the token from KPI_SYNC_TOKEN or its file before the config', () => {
    const settings = { host: '127.0.0.1', token: 'from-config' };
    expect(resolveServerOptions({ settings, env: { KPI_SYNC_HOST: '0.0.0.0' } })).toMatchObject({ host: '0.0.0.0', token: 'from-config' });
    expect(resolveServerOptions({ settings, env: { KPI_SYNC_TOKEN: 'from-env' } }).token).toBe('from-env');
    expect(resolveServerOptions({ settings, env: { KPI_SYNC_TOKEN_FILE: '/run/secrets/t' }, tokenFromFile: 'from-file\n' }).token).toBe('from-file');
    expect(() => resolveServerOptions({ env: { KPI_SYNC_HOST: '0.0.0.0', KPI_SYNC_TOKEN: ' ' } })).toThrow('KPI_SYNC_TOKEN is empty');
    expect(resolveServerOptions({ env: { KPI_SYNC_HOST: ' ' } }).host).toBe('127.0.0.1');
    // Switched off, it binds nothing, so the image's 0.0.0.0 asks for no token.
    expect(resolveServerOptions({ settings: { enabled: false }, env: { KPI_SYNC_HOST: '0.0.0.0' } }).enabled).toBe(false);
  });
});
