import { readFileSync } from 'node:fs';
import nock from 'nock';
import { BASE, TOKEN } from '../../helpers/intercom-context.ts';

/** Vendor JSON from tests/fixtures/intercom/. */
export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../fixtures/intercom/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

export interface SeenRequest {
  /** Path and query string as received. */
  uri: string;
  body: Record<string, unknown>;
}

export interface MockReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Milliseconds before the reply starts. */
  delayMs?: number;
}

/**
 * Interceptors for `POST /{object}/search` that answer `replies` in order and record
 * every request they receive, so tests can count requests per value and read bodies.
 * Each interceptor insists on the bearer token, the pinned version and JSON.
 */
export function mockSearch(object: string, replies: MockReply[], options: { base?: string; version?: string } = {}): SeenRequest[] {
  const seen: SeenRequest[] = [];
  const scope = nock(options.base ?? BASE)
    .matchHeader('authorization', `Bearer ${TOKEN}`)
    .matchHeader('intercom-version', options.version ?? '2.14')
    .matchHeader('content-type', /^application\/json/)
    .matchHeader('accept', 'application/json');
  for (const reply of replies) {
    const interceptor = scope.post(`/${object}/search`);
    const delayed = reply.delayMs === undefined ? interceptor : interceptor.delay(reply.delayMs);
    // nock 15 hands a reply function the request as a Fetch API Request.
    delayed.reply(
      reply.status ?? 200,
      async (request: Request) => {
        const url = new URL(request.url);
        seen.push({ uri: `${url.pathname}${url.search}`, body: (await request.json()) as Record<string, unknown> });
        return reply.body ?? '';
      },
      reply.headers,
    );
  }
  return seen;
}

/** `X-RateLimit-*` headers as Intercom sends them on authenticated responses. */
export function rateHeaders(remaining: number, resetAtSeconds: number, limit = 167): Record<string, string> {
  return {
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': String(resetAtSeconds),
  };
}
