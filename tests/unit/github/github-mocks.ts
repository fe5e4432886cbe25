import { readFileSync } from 'node:fs';
import nock from 'nock';
import github from '../../../connectors/github/index.ts';
import type { GithubConnection } from '../../../connectors/github/schema.ts';
import type { CreateHttpClientOptions } from '../../../src/sdk/http.ts';
import type { CheckContext, ConnectorContext, SyncWindow } from '../../../src/sdk/index.ts';
import { makeRecordedCheckContext, makeRecordedContext, NOVEMBER, type Recorded } from '../../helpers/connector-context.ts';
import { fastRetryHttp } from '../../helpers/fast-http.ts';

export { NOVEMBER };
export const BASE = 'https://api.github.com';
export const TOKEN = 'github_pat_11AKPISYNC0test0token0aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789';
/** November 2026 in Paris as a search range: [2026-10-31T23:00Z, 2026-11-30T23:00Z). */
export const NOV_RANGE = '2026-10-31T23:00:00+00:00..2026-11-30T22:59:59+00:00';

/** Vendor JSON from tests/fixtures/github/. */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/github/${name}`, import.meta.url), 'utf8')) as unknown;
}

export function githubConnection(overrides: Record<string, unknown> = {}): GithubConnection {
  return github.connectionSchema.parse({ token: TOKEN, ...overrides });
}

export interface SeenRequest {
  path: string;
  params: Record<string, string>;
}

export interface MockReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

/**
 * `GET {path}` interceptors answering `replies` in order, each insisting on the bearer
 * token, GitHub's media type and the pinned API version, recording what they receive.
 */
export function mockGet(path: string, replies: MockReply[], seen: SeenRequest[] = [], options: { base?: string; version?: string } = {}): SeenRequest[] {
  const scope = nock(options.base ?? BASE)
    .matchHeader('authorization', `Bearer ${TOKEN}`)
    .matchHeader('accept', 'application/vnd.github+json')
    .matchHeader('x-github-api-version', options.version ?? '2022-11-28');
  const prefix = new URL(options.base ?? BASE).pathname.replace(/\/$/, '');
  for (const reply of replies) {
    const interceptor = scope.get((uri) => uri.split('?')[0] === `${prefix}${path}`);
    (reply.delayMs === undefined ? interceptor : interceptor.delay(reply.delayMs)).reply(
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

/** Rate-limit headers as GitHub sends them on authenticated responses. */
export function rateHeaders(remaining: number, resetSeconds: number, resource = 'search', limit = 30): Record<string, string> {
  return {
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-used': String(limit - remaining),
    'x-ratelimit-reset': String(resetSeconds),
    'x-ratelimit-resource': resource,
  };
}

export interface ContextOptions {
  connection?: GithubConnection;
  window?: SyncWindow;
  mode?: 'current' | 'backfill';
  http?: Partial<CreateHttpClientOptions>;
}

export function makeContext(options: ContextOptions = {}): { ctx: ConnectorContext; recorded: Recorded; connection: GithubConnection } {
  const connection = options.connection ?? githubConnection();
  const { ctx, recorded } = makeRecordedContext({
    window: options.window ?? NOVEMBER,
    mode: options.mode,
    http: (sleeps) => fastRetryHttp(sleeps, github.http!(connection), options.http),
  });
  return { ctx, recorded, connection };
}

export function makeCheckContext(connection: GithubConnection): { ctx: CheckContext; recorded: Recorded } {
  return makeRecordedCheckContext((sleeps) => fastRetryHttp(sleeps, github.http!(connection)));
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
