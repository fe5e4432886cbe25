import { describe, expect, it } from 'vitest';
import intercom from '../../../connectors/intercom/index.ts';
import { AuthError, BadResponseError, ConfigError, PermissionError, QueryError, RateLimitedError, TransientError } from '../../../src/sdk/errors.ts';
import { makeContext, NOVEMBER } from '../../helpers/intercom-context.ts';
import { fixture, mockSearch, rateHeaders } from './intercom-mocks.ts';

const countQuery = intercom.querySchema.parse({
  object: 'conversations',
  query: { field: 'created_at', operator: '>', value: '{{window.start_unix}}' },
});

async function failure(setup: Parameters<typeof makeContext>[0] = {}): Promise<unknown> {
  const { ctx, connection } = makeContext(setup);
  return intercom.fetch(connection, countQuery, ctx).then(
    () => {
      throw new Error('expected the fetch to fail');
    },
    (error: unknown) => error,
  );
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('intercom fetch: errors are typed and retried only when another attempt can help', () => {
  it("401 is an AuthError with Intercom's words and what to check, not retried", async () => {
    const seen = mockSearch('conversations', [
      { status: 401, body: fixture('error-unauthorized.json') },
      { status: 401, body: fixture('error-unauthorized.json') },
    ]);
    const error = await failure();
    expect(error).toBeInstanceOf(AuthError);
    // The SDK's scrubber reads "Token Invalid" as a credential scheme, hence "[redacted]" in Intercom's words.
    expect((error as Error).message).toMatch(
      /^POST api\.intercom\.io\/conversations\/search → 401 Unauthorized: unauthorized: Access Token .*; check the access token \(revoked or expired\?\) and that region US \(api\.intercom\.io\) is the workspace's region$/,
    );
    expect(seen).toHaveLength(1);
  });

  it('403 (plan restricted) is a PermissionError, not retried', async () => {
    const seen = mockSearch('conversations', [{ status: 403, body: fixture('error-api-plan-restricted.json') }]);
    const error = await failure();
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toContain('api_plan_restricted: Active subscription needed.');
    expect(seen).toHaveLength(1);
  });

  it('429 waits until X-RateLimit-Reset, then retries', async () => {
    const reset = nowSeconds() + 3;
    const seen = mockSearch('conversations', [
      { status: 429, body: fixture('error-rate-limit.json'), headers: rateHeaders(0, reset) },
      { body: fixture('conversations-count.json'), headers: rateHeaders(166, reset + 10) },
    ]);
    const { ctx, recorded, connection } = makeContext();

    expect(await intercom.fetch(connection, countQuery, ctx)).toEqual([{ value: 12345, at: NOVEMBER.start }]);
    expect(seen).toHaveLength(2);
    expect(recorded.sleeps).toHaveLength(1);
    expect(recorded.sleeps[0]).toBeGreaterThan(1000);
    expect(recorded.sleeps[0]).toBeLessThanOrEqual(3000);
  });

  it('429 on every attempt ends in a RateLimitedError with the source message and the wait', async () => {
    const reset = nowSeconds() + 5;
    const replies = Array.from({ length: 2 }, () => ({ status: 429, body: fixture('error-rate-limit.json'), headers: rateHeaders(0, reset) }));
    const seen = mockSearch('conversations', replies);
    const error = await failure({ http: { attempts: 2 } });
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBeGreaterThan(3000);
    expect((error as Error).message).toContain('rate_limit_exceeded: Exceeded rate limit of 167 in 10_seconds');
    expect(seen).toHaveLength(2);
  });

  it('waits for the reset before the limit is hit, when X-RateLimit-Remaining reaches the reserve', async () => {
    const reset = nowSeconds() + 4;
    const seen = mockSearch('conversations', [
      { body: fixture('conversations-page-1.json'), headers: rateHeaders(1, reset) },
      { body: fixture('conversations-page-2.json'), headers: rateHeaders(166, reset + 10) },
    ]);
    const { ctx, recorded, connection } = makeContext();
    const query = intercom.querySchema.parse({ object: 'conversations', query: countQuery.query, aggregate: 'sum', field: 'statistics.time_to_admin_reply' });

    expect(await intercom.fetch(connection, query, ctx)).toEqual([{ value: 480, at: NOVEMBER.start }]);
    expect(seen).toHaveLength(2);
    expect(recorded.sleeps).toHaveLength(1);
    expect(recorded.sleeps[0]).toBeGreaterThan(2000);
  });

  it('500 is retried with backoff and succeeds on the next attempt', async () => {
    const seen = mockSearch('conversations', [{ status: 500, body: fixture('error-server.json') }, { body: fixture('conversations-count.json') }]);
    const { ctx, recorded, connection } = makeContext();

    expect(await intercom.fetch(connection, countQuery, ctx)).toEqual([{ value: 12345, at: NOVEMBER.start }]);
    expect(seen).toHaveLength(2);
    expect(recorded.sleeps).toHaveLength(1);
  });

  it('500 on every attempt is a TransientError', async () => {
    const seen = mockSearch(
      'conversations',
      Array.from({ length: 3 }, () => ({ status: 500, body: fixture('error-server.json') })),
    );
    const error = await failure({ http: { attempts: 3 } });
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).code).toBe('KS_ERR_TRANSIENT');
    expect((error as Error).message).toContain('500 Internal Server Error: server_error: Something went wrong on our end (after 3 attempts)');
    expect(seen).toHaveLength(3);
  });

  it('a request that outlives the timeout is a TransientError after its attempts', async () => {
    const seen = mockSearch('conversations', [
      { body: fixture('conversations-count.json'), delayMs: 500 },
      { body: fixture('conversations-count.json'), delayMs: 500 },
    ]);
    const error = await failure({ http: { timeoutMs: 40, attempts: 2 } });
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toBe('POST api.intercom.io/conversations/search → timed out after 40 ms (after 2 attempts)');
    expect(seen.length).toBeLessThanOrEqual(2);
  });

  it('a body that is not JSON is a BadResponseError, not retried', async () => {
    const seen = mockSearch('conversations', [{ body: '<html><body>Gateway login</body></html>', headers: { 'content-type': 'text/html' } }]);
    const error = await failure();
    expect(error).toBeInstanceOf(BadResponseError);
    expect(seen).toHaveLength(1);
  });

  it('an empty 200 body is a BadResponseError that says so', async () => {
    mockSearch('conversations', [{ body: '' }]);
    const error = await failure();
    expect(error).toBeInstanceOf(BadResponseError);
    expect((error as Error).message).toBe('POST api.intercom.io/conversations/search: expected a conversations search list, got an empty body');
  });

  it('a list without total_count is a BadResponseError', async () => {
    mockSearch('conversations', [{ body: { type: 'conversation.list', conversations: [] } }]);
    const error = await failure();
    expect(error).toBeInstanceOf(BadResponseError);
    expect((error as Error).message).toContain('no total_count');
  });

  it("a rejected query is a QueryError carrying Intercom's message, not retried", async () => {
    const seen = mockSearch('conversations', [{ status: 400, body: fixture('error-parameter-invalid.json') }]);
    const error = await failure();
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toContain('400 Bad Request: parameter_invalid: Unsupported field: statistics.time_to_lunch');
    expect(seen).toHaveLength(1);
  });

  it('intercom_version_invalid is a ConfigError naming the version and the choices', async () => {
    mockSearch('conversations', [{ status: 400, body: fixture('error-version-invalid.json') }]);
    const error = await failure();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'POST api.intercom.io/conversations/search → 400: Intercom rejected Intercom-Version 2.14 ' +
        '(intercom_version_invalid: The requested version could not be found); ' +
        "set the connection's version to one this workspace and endpoint support (2.11, 2.12, 2.13, 2.14)",
    );
  });
});
