import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import csv from '../../../connectors/csv/index.ts';
import { defineConnectorConformance } from '../../../src/sdk/testing/index.ts';

/**
 * The CSV connector against the shared conformance suite, reading a CSV over `url` from
 * a loopback server: the Authorization header is the credential (any other gets a 401),
 * and "hangs" accepts the request and never answers.
 */

const TOKEN = 'csv-conformance-token-5e1f';
const SALES = readFileSync(path.resolve(import.meta.dirname, '../../fixtures/csv/sales.csv'));

let server: Server;
let base = '';
let mode: 'serve' | 'hang' = 'serve';
/** Requests left waiting by "hangs", ended by `reset`. */
const waiting: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (mode === 'hang') {
      waiting.push(res);
      return;
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('unknown token');
      return;
    }
    if (req.url !== '/sales.csv') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/csv' }).end(SALES);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

defineConnectorConformance(csv, () => ({
  connection: { url: `${base}/sales.csv`, headers: { Authorization: `Bearer ${TOKEN}` } },
  badConnection: { url: `${base}/sales.csv`, headers: { Authorization: 'Bearer csv-conformance-revoked-0000' } },
  secrets: [TOKEN],
  query: { date: { column: 'date' }, value: { column: 'amount', aggregate: 'sum' } },
  window: { start: '2026-02-01T00:00:00.000+01:00', end: '2026-03-01T00:00:00.000+01:00', timeZone: 'Europe/Oslo', interval: 'month' },
  source: {
    answers: () => {
      mode = 'serve';
    },
    // The server refuses every Authorization but the good one; `badConnection` sends another.
    rejectsCredentials: () => {
      mode = 'serve';
    },
    hangs: () => {
      mode = 'hang';
    },
    reset: () => {
      mode = 'serve';
      for (const res of waiting.splice(0)) res.destroy();
    },
  },
}));

describe('csv: declared backfill strategy', () => {
  it('is one-pass: a file is read whole, every period in one pass', () => {
    expect(csv.backfill).toBe('one-pass');
  });
});
