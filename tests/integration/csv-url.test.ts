import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { inspect } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import csv from '../../connectors/csv/index.ts';
import { AuthError, SourceReadError } from '../../src/sdk/errors.ts';
import { makeTestContext } from '../helpers/connector-context.ts';
import { rejection } from '../helpers/rejection.ts';

const TOKEN = 's3cr3t-token-value-123';
const SALES = readFileSync(path.resolve(import.meta.dirname, '../fixtures/csv/sales.csv'));
const OSLO_Q1 = { timeZone: 'Europe/Oslo', interval: 'month', span: { start: '2026-01-01', end: '2026-04-01' } } as const;

let server: Server;
let base: string;
let seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('bad token');
      return;
    }
    if (req.url === '/sales.csv' || req.url === '/exports/sales.csv') {
      res.writeHead(200, { 'content-type': 'text/csv' });
      // Small writes, so records arrive cut in odd places.
      for (let offset = 0; offset < SALES.length; offset += 7) res.write(SALES.subarray(offset, offset + 7));
      res.end();
      return;
    }
    if (req.url === '/boom.csv') {
      // A careless server that echoes the credential back in its error page.
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`internal error while serving ${req.headers.authorization}`);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
});

function connection(url: string, token = TOKEN) {
  return csv.connectionSchema.parse({ url, headers: { Authorization: `Bearer ${token}` } });
}

const query = csv.querySchema.parse({ date: { column: 'date' }, value: { column: 'amount', aggregate: 'sum' } });

const failure: (promise: Promise<unknown>) => Promise<Error> = rejection;

function expectNoSecret(err: Error): void {
  expect(err.message).not.toContain(TOKEN);
  expect(String(err.stack)).not.toContain(TOKEN);
  expect(inspect(err, { depth: 10 })).not.toContain(TOKEN);
}

describe('csv connector: URL sources', () => {
  it('streams the CSV with the Authorization header and never logs it', async () => {
    const logs: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
    const ctx = makeTestContext({ ...OSLO_Q1, logger });
    const values = await csv.fetch(connection(`${base}/sales.csv`), query, ctx);
    expect(values.map((v) => v.value)).toEqual([350.75, 501, 60.5]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(ctx.diagnostics.counts.bytesRead).toBe(SALES.length);
    expect(logs.join('\n')).toContain('csv read');
    expect(logs.join('\n')).not.toContain(TOKEN);
  });

  it('resolves `file` against the URL', async () => {
    const values = await csv.fetch(connection(`${base}/exports/`), { ...query, file: 'sales.csv' }, makeTestContext(OSLO_Q1));
    expect(values).toHaveLength(3);
    expect(seen[0]!.url).toBe('/exports/sales.csv');
  });

  it('a 500 becomes a retryable error naming the URL, without the header value', async () => {
    const err = await failure(csv.fetch(connection(`${base}/boom.csv`), query, makeTestContext(OSLO_Q1)));
    expect(err).toMatchObject({ code: 'KS_ERR_TRANSIENT', retryable: true });
    expect(err.message).toContain('/boom.csv');
    expect(err.message).toContain('500');
    expectNoSecret(err);
  });

  it('a missing file (404) is a SourceReadError that is not retried', async () => {
    const err = await failure(csv.fetch(connection(`${base}/missing.csv`), query, makeTestContext(OSLO_Q1)));
    expect(err).toBeInstanceOf(SourceReadError);
    expect(err).toMatchObject({ retryable: false });
    expect(err.message).toBe(`cannot read ${base}/missing.csv: 404 not found`);
    expectNoSecret(err);
  });

  it('a rejected token is an AuthError without the token', async () => {
    const err = await failure(csv.fetch(connection(`${base}/sales.csv`, `${TOKEN}-old`), query, makeTestContext(OSLO_Q1)));
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).not.toContain(`${TOKEN}-old`);
    expect(inspect(err, { depth: 10 })).not.toContain(`${TOKEN}-old`);
  });

  it('check() reports the columns behind the URL', async () => {
    const result = await csv.check(connection(`${base}/sales.csv`), makeTestContext());
    expect(result.detail).toBe(`${base}/sales.csv is readable; columns: date, region, product, amount, customer`);
    expect(result.detail).not.toContain(TOKEN);
  });
});
