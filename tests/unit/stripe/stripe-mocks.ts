import { readFileSync } from 'node:fs';
import nock from 'nock';
import stripe from '../../../connectors/stripe/index.ts';
import { STRIPE_API_VERSION, type StripeConnection } from '../../../connectors/stripe/schema.ts';
import type { CreateHttpClientOptions } from '../../../src/sdk/http.ts';
import type { CheckContext, ConnectorContext, SyncWindow } from '../../../src/sdk/index.ts';
import { makeRecordedCheckContext, makeRecordedContext, NOVEMBER, type Recorded } from '../../helpers/connector-context.ts';
import { fastRetryHttp } from '../../helpers/fast-http.ts';

export { NOVEMBER };
export const BASE = 'https://api.stripe.com';
export const KEY = 'sk_test_51QKpiSyncTestKey0000000000000000000000secretWxYz';
/** November 2026 in Paris, in Unix seconds: [start, end). */
export const NOV_START = 1793487600;
export const NOV_END = 1796079600;

/** Vendor JSON from tests/fixtures/stripe/. */
export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../fixtures/stripe/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

export function stripeConnection(overrides: Record<string, unknown> = {}): StripeConnection {
  return stripe.connectionSchema.parse({ secretKey: KEY, ...overrides });
}

export interface SeenRequest {
  path: string;
  /** The query string, decoded, one entry per parameter. */
  params: Record<string, string>;
}

export interface MockReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * `GET {path}` interceptors answering `replies` in order, each insisting on the bearer
 * key and the pinned Stripe-Version, recording what they receive.
 */
export function mockGet(
  path: string,
  replies: MockReply[],
  seen: SeenRequest[] = [],
  options: { base?: string; key?: string; version?: string } = {},
): SeenRequest[] {
  const scope = nock(options.base ?? BASE)
    .matchHeader('authorization', `Bearer ${options.key ?? KEY}`)
    .matchHeader('stripe-version', options.version ?? STRIPE_API_VERSION);
  for (const reply of replies) {
    scope
      .get((uri) => uri.split('?')[0] === path)
      .reply(
        reply.status ?? 200,
        // nock 15 hands a reply function the request as a Fetch API Request.
        (request: Request) => {
          const url = new URL(request.url);
          seen.push({ path: url.pathname, params: Object.fromEntries(url.searchParams) });
          return reply.body ?? '';
        },
        reply.headers,
      );
  }
  return seen;
}

export interface ContextOptions {
  connection?: StripeConnection;
  window?: SyncWindow;
  mode?: 'current' | 'backfill';
  http?: Partial<CreateHttpClientOptions>;
}

/** The client the runner builds for this connection, with fast retries; waits land in `recorded.sleeps`. */
export function makeContext(options: ContextOptions = {}): { ctx: ConnectorContext; recorded: Recorded; connection: StripeConnection } {
  const connection = options.connection ?? stripeConnection();
  const { ctx, recorded } = makeRecordedContext({
    window: options.window ?? NOVEMBER,
    mode: options.mode,
    http: (sleeps) => fastRetryHttp(sleeps, stripe.http!(connection), options.http),
  });
  return { ctx, recorded, connection };
}

export function makeCheckContext(connection: StripeConnection): { ctx: CheckContext; recorded: Recorded } {
  return makeRecordedCheckContext((sleeps) => fastRetryHttp(sleeps, stripe.http!(connection)));
}

/** A window of the last full day before now (UTC), for the 30-day events rule. */
export function recentDay(): SyncWindow {
  const day = new Date();
  day.setUTCHours(0, 0, 0, 0);
  const end = day.getTime();
  return { start: new Date(end - 86_400_000).toISOString(), end: new Date(end).toISOString(), timeZone: 'UTC', interval: 'day' };
}
