import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import stripe from '../../../connectors/stripe/index.ts';
import { KEY, makeCheckContext, makeContext, mockGet, stripeConnection } from './stripe-mocks.ts';

/** Bodies that echo the key back, as a debugging proxy or a careless gateway might. */
const echoes = [
  { error: { type: 'invalid_request_error', message: `Invalid API Key provided: ${KEY}` } },
  { error: { type: 'invalid_request_error', message: `Authorization: Bearer ${KEY} was rolled` } },
];

/** Also logs the error the way a runner would (pino's err serializer walks message, stack, props and cause). */
function expectNoSecret(error: unknown, logger: Logger, logs: string[]): void {
  expect(error).toBeInstanceOf(Error);
  logger.error({ err: error }, `sync failed: ${String(error)}`);
  const err = error as Error;
  for (const text of [err.message, String(err), JSON.stringify(err), err.stack ?? '', JSON.stringify(err.cause ?? null), logs.join('\n')]) {
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(KEY.slice(8, 30));
  }
}

const query = stripe.querySchema.parse({ metric: 'revenue', currency: 'usd' });

describe('stripe: the secret key appears in no error, log line or result', () => {
  it.each(echoes)('fetch, 401 echoing the key (%#)', async (body) => {
    mockGet('/v1/charges', [{ status: 401, body }]);
    const { ctx, recorded, connection } = makeContext();
    const error = await stripe.fetch(connection, query, ctx).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AuthError');
    expectNoSecret(error, ctx.logger, recorded.logs);
  });

  it.each(echoes)('fetch, 400 echoing the key (%#)', async (body) => {
    mockGet('/v1/charges', [{ status: 400, body }]);
    const { ctx, recorded, connection } = makeContext();
    const error = await stripe.fetch(connection, query, ctx).catch((e: unknown) => e);
    expect((error as Error).name).toBe('QueryError');
    expectNoSecret(error, ctx.logger, recorded.logs);
  });

  it('check, 401 echoing the key', async () => {
    mockGet('/v1/subscriptions', [{ status: 401, body: echoes[0] }]);
    const connection = stripeConnection();
    const { ctx, recorded } = makeCheckContext(connection);
    const error = await stripe.check(connection, ctx).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AuthError');
    expectNoSecret(error, ctx.logger, recorded.logs);
  });

  it('check on success says the mode from the key prefix and never the key', async () => {
    mockGet('/v1/subscriptions', [{ body: { object: 'list', data: [], has_more: false, url: '/v1/subscriptions' } }]);
    const connection = stripeConnection();
    const { ctx } = makeCheckContext(connection);
    const { detail } = await stripe.check(connection, ctx);
    expect(detail).toBe('key accepted at api.stripe.com (test mode); subscriptions readable; Stripe-Version 2026-08-26.dahlia');
    expect(detail).not.toContain(KEY);
  });
});
