import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import http from '../../../connectors/http/index.ts';

const { connectionSchema, querySchema } = http;
const BASE = 'https://api.example.com/v2';

function issues(schema: z.ZodType, value: unknown): Array<{ path: string; message: string }> {
  const parsed = schema.safeParse(value);
  expect(parsed.success, 'the value should have been refused').toBe(false);
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

const oauth2 = { type: 'oauth2', tokenUrl: 'https://auth.example.com/oauth/token', clientId: 'kpi', clientSecret: 'cs-1234567890' };

describe('http connection settings', () => {
  it('defaults: no auth, no headers, 30 s', () => {
    expect(connectionSchema.parse({ baseUrl: `${BASE}/` })).toEqual({
      baseUrl: BASE,
      auth: { type: 'none' },
      headers: {},
      timeoutMs: 30_000,
      maxBackfillPeriods: 400,
    });
  });

  it('takes every auth kind; oauth2 authenticates the client with HTTP Basic by default', () => {
    for (const auth of [
      { type: 'bearer', token: 't-123456' },
      { type: 'basic', username: 'u', password: 'p-123456' },
      { type: 'header', name: 'X-Api-Key', value: 'k-123456' },
    ]) {
      expect(connectionSchema.parse({ baseUrl: BASE, auth }).auth).toEqual(auth);
    }
    expect(connectionSchema.parse({ baseUrl: BASE, auth: oauth2 }).auth).toEqual({ ...oauth2, clientAuth: 'basic' });
  });

  it('names what is missing or wrong in auth', () => {
    expect(issues(connectionSchema, { baseUrl: BASE, auth: { type: 'header', value: 'k-123456' } })).toContainEqual(
      expect.objectContaining({ path: 'auth.name' }),
    );
    expect(issues(connectionSchema, { baseUrl: BASE, auth: { ...oauth2, clientSecret: undefined } })).toContainEqual(
      expect.objectContaining({ path: 'auth.clientSecret' }),
    );
    expect(issues(connectionSchema, { baseUrl: BASE, auth: { ...oauth2, tokenUrl: 'http://auth.example.com/token' } })).toContainEqual({
      path: 'auth.tokenUrl',
      message: expect.stringContaining('plain http is only allowed for loopback hosts'),
    });
  });

  it('refuses link-local base and token URLs unless allowLinkLocal is set', () => {
    expect(issues(connectionSchema, { baseUrl: 'https://169.254.169.254/latest' })[0]).toMatchObject({
      path: 'baseUrl',
      message: expect.stringContaining('allowLinkLocal'),
    });
    expect(issues(connectionSchema, { baseUrl: BASE, auth: { ...oauth2, tokenUrl: 'https://169.254.169.254/token' } })[0]).toMatchObject({
      path: 'auth.tokenUrl',
      message: expect.stringContaining('allowLinkLocal'),
    });
    expect(connectionSchema.parse({ baseUrl: BASE, auth: { ...oauth2, tokenUrl: 'https://169.254.169.254/token' }, allowLinkLocal: true }).allowLinkLocal).toBe(
      true,
    );
  });

  it('refuses a header that auth already sets', () => {
    expect(
      issues(connectionSchema, { baseUrl: BASE, auth: { type: 'header', name: 'X-Api-Key', value: 'k-123456' }, headers: { 'x-api-key': 'other' } }),
    ).toEqual([{ path: 'headers', message: 'header x-api-key is already set by auth type "header"; keep one of them' }]);
  });

  it('marks every credential write-only in the JSON Schema', () => {
    const json = JSON.stringify(z.toJSONSchema(connectionSchema, { io: 'input', unrepresentable: 'any' }));
    // bearer token, basic password, header value, oauth2 client secret, extra header values.
    expect(json.match(/"writeOnly":true/g)).toHaveLength(5);
  });
});

describe('http query settings, checked when the config loads', () => {
  const base = { path: '/v1/stats?from={{window.start}}', pick: { jsonpath: '$.total' } };

  it('fills the defaults', () => {
    expect(querySchema.parse(base)).toEqual({ ...base, method: 'GET', params: {}, headers: {}, pick: { jsonpath: '$.total', at: 'at', value: 'value' } });
  });

  it('refuses an unknown placeholder wherever it is, naming the field', () => {
    const known = 'known variables: window.start, window.end, window.startUnix';
    expect(issues(querySchema, { ...base, path: '/v1/stats?from={{window.begin}}' })).toEqual([
      { path: 'path', message: expect.stringMatching(new RegExp(`^Unknown template variable \\{\\{window.begin\\}\\}; ${known}`)) },
    ]);
    expect(issues(querySchema, { ...base, params: { since: '{{start}}' } })[0]!.path).toBe('params.since');
    expect(issues(querySchema, { ...base, headers: { 'X-Day': '{{window.day}}' } })[0]!.path).toBe('headers.X-Day');
    expect(issues(querySchema, { ...base, method: 'POST', body: { filter: { range: ['{{window.start}}', '{{window.ende}}'] } } })[0]!.path).toBe(
      'body.filter.range.1',
    );
  });

  it('refuses a path that is not one, and a body without POST', () => {
    expect(issues(querySchema, { ...base, path: 'v1/stats' })[0]!.path).toBe('path');
    expect(issues(querySchema, { ...base, path: '//evil.example.com/x' })[0]!.path).toBe('path');
    expect(issues(querySchema, { ...base, body: { a: 1 } })).toEqual([{ path: 'body', message: 'a body is only sent with method: POST' }]);
  });

  it('refuses a JSONPath that does not parse, naming pick.jsonpath', () => {
    expect(issues(querySchema, { ...base, pick: { jsonpath: '$.items[?(@.amount > )].amount' } })).toEqual([
      {
        path: 'pick.jsonpath',
        message: expect.stringMatching(/^not a usable JSONPath: the expression "\?\(@\.amount > \)" does not parse: Expected expression/),
      },
    ]);
    expect(issues(querySchema, { ...base, pick: { jsonpath: '$.items[0' } })).toEqual([
      { path: 'pick.jsonpath', message: 'not a usable JSONPath: unclosed "["' },
    ]);
    expect(issues(querySchema, { ...base, pick: { jsonpath: 'items' } })[0]!.message).toContain('starts with $');
  });

  it('refuses a JSONata expression that does not compile, naming pick.jsonata', () => {
    expect(issues(querySchema, { ...base, pick: { jsonata: '$sum(data[status="succeeded"].amount' } })).toEqual([
      { path: 'pick.jsonata', message: 'not a JSONata expression: Expected ")" before end of expression (at character 36)' },
    ]);
  });

  it('wants exactly one of jsonpath and jsonata', () => {
    expect(issues(querySchema, { ...base, pick: { jsonpath: '$.a', jsonata: 'a' } })).toEqual([
      { path: 'pick', message: 'give exactly one of jsonpath or jsonata' },
    ]);
    expect(issues(querySchema, { ...base, pick: {} })[0]!.path).toBe('pick');
  });

  it('checks the paging settings', () => {
    expect(issues(querySchema, { ...base, pagination: { type: 'cursor', cursorPath: '$.meta[', param: 'cursor' } })[0]!.path).toBe('pagination.cursorPath');
    expect(issues(querySchema, { ...base, pagination: { type: 'page', totalPagesPath: '$.x[?(@ ==)]' } })[0]!.path).toBe('pagination.totalPagesPath');
    expect(issues(querySchema, { ...base, pagination: { type: 'page', in: 'body' } })).toEqual([
      { path: 'pagination.in', message: 'a parameter in the body needs method: POST' },
    ]);
    expect(issues(querySchema, { ...base, pagination: { type: 'scroll' } })[0]!.path).toBe('pagination.type');
    expect(querySchema.parse({ ...base, pagination: { type: 'link' } }).pagination).toEqual({ type: 'link', maxPages: 50 });
    expect(querySchema.parse({ ...base, pagination: { type: 'page' } }).pagination).toEqual({
      type: 'page',
      param: 'page',
      start: 1,
      in: 'query',
      maxPages: 50,
    });
  });

  it('measures a flow when the request uses the window, a snapshot otherwise', () => {
    expect(http.measure!(querySchema.parse(base))).toBe('flow');
    expect(http.measure!(querySchema.parse({ ...base, path: '/v1/open', method: 'POST', body: { after: '{{window.startUnix}}' } }))).toBe('flow');
    expect(http.measure!(querySchema.parse({ ...base, path: '/v1/open-tickets' }))).toBe('snapshot');
  });
});

describe('http connector: light to load', () => {
  it('importing it, parsing a connection and exporting its schemas loads neither jsonpath-plus nor jsonata', () => {
    // The libraries are loaded with require(): the CommonJS cache says whether they were.
    const probe = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const { default: http } = await import('./connectors/http/index.ts');
      const { z } = await import('zod');
      const loaded = () => Object.keys(require.cache).filter((p) => /node_modules\\/(jsonata|jsonpath-plus)\\//.test(p)).length;
      http.connectionSchema.parse({ baseUrl: 'https://api.example.com' });
      z.toJSONSchema(http.connectionSchema, { io: 'input', unrepresentable: 'any' });
      z.toJSONSchema(http.querySchema, { io: 'input', unrepresentable: 'any' });
      const before = loaded();
      http.querySchema.parse({ path: '/x', pick: { jsonata: 'total' } });
      console.log(JSON.stringify({ before, after: loaded() }));
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: new URL('../../../', import.meta.url).pathname, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ before: 0, after: 1 });
  });
});
