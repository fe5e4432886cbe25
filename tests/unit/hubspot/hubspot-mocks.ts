import { readFileSync } from 'node:fs';
import nock from 'nock';
import hubspot from '../../../connectors/hubspot/index.ts';
import type { HubspotConnection } from '../../../connectors/hubspot/schema.ts';
import type { CreateHttpClientOptions } from '../../../src/sdk/http.ts';
import type { CheckContext, ConnectorContext, SyncWindow } from '../../../src/sdk/index.ts';
import { makeRecordedCheckContext, makeRecordedContext, NOVEMBER, type Recorded } from '../../helpers/connector-context.ts';
import { fastRetryHttp } from '../../helpers/fast-http.ts';

export { NOVEMBER };
export const BASE = 'https://api.hubapi.com';
export const TOKEN = 'pat-na1-6f1e2d3c-4b5a-4968-8776-0a1b2c3d4e5f';
/** November 2026 in Paris, in Unix milliseconds: [start, end). */
export const NOV_START_MS = '1793487600000';
export const NOV_END_MS = '1796079600000';

/** Vendor JSON from tests/fixtures/hubspot/. */
export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../fixtures/hubspot/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

export function hubspotConnection(overrides: Record<string, unknown> = {}): HubspotConnection {
  return hubspot.connectionSchema.parse({ accessToken: TOKEN, ...overrides });
}

export interface SeenRequest {
  path: string;
  body: Record<string, unknown>;
}

export interface MockReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * `POST /crm/v3/objects/{objectType}/search` interceptors answering `replies` in order,
 * each insisting on the bearer token and a JSON body, recording the bodies they receive.
 */
export function mockSearch(objectType: string, replies: MockReply[], seen: SeenRequest[] = [], options: { base?: string; token?: string } = {}): SeenRequest[] {
  const scope = nock(options.base ?? BASE)
    .matchHeader('authorization', `Bearer ${options.token ?? TOKEN}`)
    .matchHeader('content-type', /^application\/json/);
  for (const reply of replies) {
    scope.post(`/crm/v3/objects/${objectType}/search`).reply(
      reply.status ?? 200,
      // nock 15 hands a reply function the request as a Fetch API Request.
      async (request: Request) => {
        seen.push({ path: new URL(request.url).pathname, body: (await request.json()) as Record<string, unknown> });
        return reply.body ?? '';
      },
      reply.headers,
    );
  }
  return seen;
}

export interface ContextOptions {
  connection?: HubspotConnection;
  window?: SyncWindow;
  mode?: 'current' | 'backfill';
  http?: Partial<CreateHttpClientOptions>;
}

export function makeContext(options: ContextOptions = {}): { ctx: ConnectorContext; recorded: Recorded; connection: HubspotConnection } {
  const connection = options.connection ?? hubspotConnection();
  const { ctx, recorded } = makeRecordedContext({
    window: options.window ?? NOVEMBER,
    mode: options.mode,
    http: (sleeps) => fastRetryHttp(sleeps, hubspot.http!(connection), options.http),
  });
  return { ctx, recorded, connection };
}

export function makeCheckContext(connection: HubspotConnection): { ctx: CheckContext; recorded: Recorded } {
  return makeRecordedCheckContext((sleeps) => fastRetryHttp(sleeps, hubspot.http!(connection)));
}
