import { describe, expect, it } from 'vitest';
import { AuthError, BadResponseError, PermissionError, QueryError, RateLimitedError, TransientError } from '../../../src/sdk/errors.ts';
import { errorForStatus, isNetworkCode, networkError, sourceMessage, type RequestSummary } from '../../../src/sdk/http-errors.ts';
import { collectSecrets, excerpt, scrub } from '../../../src/sdk/http-redact.ts';

const req: RequestSummary = { method: 'GET', target: 'api.example.com/v2/items', secrets: [] };

describe('sourceMessage: the source words from common JSON error shapes', () => {
  it.each([
    ['{message}', { message: 'Bad date' }, 'Bad date'],
    ['{error:{message}}', { error: { message: 'Invalid token', code: 190 } }, '190: Invalid token'],
    ['OAuth', { error: 'invalid_grant', error_description: 'Token expired' }, 'invalid_grant: Token expired'],
    ['{errors:[{message}]}', { type: 'error.list', errors: [{ code: 'not_found', message: 'No such team' }, { message: 'x' }] }, 'not_found: No such team; x'],
    ['Jira', { errorMessages: ['Field foo does not exist'], errors: { jql: 'bad clause' } }, 'Field foo does not exist; jql: bad clause'],
    ['Salesforce', [{ message: "No such column 'Amt'", errorCode: 'INVALID_FIELD' }], "INVALID_FIELD: No such column 'Amt'"],
    ['RFC 9457', { title: 'Bad Request', detail: 'limit too large' }, 'Bad Request: limit too large'],
    ['{error: string}', { error: 'not allowed' }, 'not allowed'],
  ])('%s', (_shape, data, expected) => {
    expect(sourceMessage(data, JSON.stringify(data))).toBe(expected);
  });

  it('falls back to the raw body when no shape matches', () => {
    expect(sourceMessage({ weird: true }, ' {"weird":true} ')).toBe('{"weird":true}');
    expect(sourceMessage('plain words', 'plain words')).toBe('plain words');
  });
});

describe('errorForStatus', () => {
  const make = (status: number, data: unknown = { message: 'said' }) => errorForStatus(req, status, data, JSON.stringify(data), 1, 5_000);

  it('maps statuses to typed errors', () => {
    expect(make(401)).toBeInstanceOf(AuthError);
    expect(make(403)).toBeInstanceOf(PermissionError);
    for (const status of [400, 404, 405, 409, 410, 422]) expect(make(status)).toBeInstanceOf(QueryError);
    for (const status of [408, 500, 501, 502, 503, 504]) expect(make(status)).toBeInstanceOf(TransientError);
    expect(make(302)).toBeInstanceOf(BadResponseError);
    const limited = make(429);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterMs).toBe(5_000);
  });

  it('reads METHOD host/path → status text: source message, capped at 300 chars', () => {
    expect(make(404).message).toBe('GET api.example.com/v2/items → 404 Not Found: said');
    const long = make(400, { message: 'y'.repeat(1_000) }).message;
    expect(long).toBe(`GET api.example.com/v2/items → 400 Bad Request: ${'y'.repeat(300)}…`);
  });

  it('attaches a plain summary as cause, not an Error', () => {
    const err = errorForStatus(req, 500, {}, '', 4, 0);
    expect(err.cause).toEqual({ method: 'GET', target: 'api.example.com/v2/items', status: 500, attempts: 4 });
    expect(err.message).toBe('GET api.example.com/v2/items → 500 Internal Server Error (after 4 attempts)');
  });

  it('says where a redirect pointed, host and path only', () => {
    const err = errorForStatus(req, 301, undefined, '', 1, 0, 'https://eu.example.com/v2/items?sig=abc');
    expect(err.message).toBe(
      'GET api.example.com/v2/items → 301 Moved Permanently: redirect to eu.example.com/v2/items not followed; point the connection at the final URL',
    );
  });
});

describe('network errors', () => {
  it('recognises system codes but not Node internals', () => {
    expect(isNetworkCode('ECONNREFUSED')).toBe(true);
    expect(isNetworkCode('EAI_AGAIN')).toBe(true);
    expect(isNetworkCode('CERT_HAS_EXPIRED')).toBe(true);
    expect(isNetworkCode('ERR_CANCELED')).toBe(false);
    expect(isNetworkCode('ERR_INVALID_CHAR')).toBe(false);
  });

  it('is a TransientError with KS_ERR_NETWORK', () => {
    const err = networkError(req, 'ENOTFOUND', 2);
    expect(err.code).toBe('KS_ERR_NETWORK');
    expect(err.message).toBe('GET api.example.com/v2/items → host not found (ENOTFOUND) (after 2 attempts)');
  });
});

describe('redaction', () => {
  it('collects credential headers, secret-looking query values and userinfo, not plain ones', () => {
    const url = new URL('https://me:hunter2pw@x.example.com/p?api_key=KEY123456&limit=50&since=2026-01-01');
    const secrets = collectSecrets(url, { authorization: 'Bearer tok_abcdef', 'x-api-key': 'hdrkey99', accept: 'application/json' });
    expect(secrets).toEqual(expect.arrayContaining(['Bearer tok_abcdef', 'tok_abcdef', 'hdrkey99', 'KEY123456', 'hunter2pw']));
    expect(secrets).not.toContain('application/json');
    expect(secrets).not.toContain('2026-01-01');
  });

  it('decodes Basic credentials to find the password', () => {
    const basic = Buffer.from('user@example.com:s3cretPass').toString('base64');
    expect(collectSecrets(new URL('https://x.example.com'), { authorization: `Basic ${basic}` })).toContain('s3cretPass');
  });

  it('scrubs known secrets and credential-shaped text it was not told about', () => {
    expect(scrub('token tok_abcdef rejected', ['tok_abcdef'])).toBe('token [redacted] rejected');
    expect(scrub('sent Authorization: Bearer eyJhbGciOi.xyz', [])).toBe('sent Authorization: [redacted] [redacted]');
    expect(scrub('{"access_token":"abc123","n":1}', [])).toBe('{"access_token":"[redacted]","n":1}');
    expect(scrub('url?apikey=zzz&x=1', [])).toBe('url?apikey=[redacted]&x=1');
    expect(scrub('the token limit was hit', [])).toBe('the token limit was hit');
  });

  it('excerpts scrub before cutting, so a secret at the cut cannot leave a prefix', () => {
    const text = `${'a'.repeat(95)}SECRETVALUE`;
    const shown = excerpt(text, ['SECRETVALUE'], 100);
    expect(shown).toBe(`${'a'.repeat(95)}[reda…`);
    expect(shown).not.toContain('SECRET');
  });
});

describe('redaction keeps vendor wording readable', () => {
  it('does not take ordinary words after "token" for credentials', () => {
    expect(scrub('Access Token Invalid', [])).toBe('Access Token Invalid');
    expect(scrub("MALFORMED_QUERY: unexpected token: 'total'", [])).toBe("MALFORMED_QUERY: unexpected token: 'total'");
    expect(scrub('token: 9f8e7d6c5b4a3', [])).toBe('token: [redacted]');
  });
});
