import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { writeTestConfig } from '../helpers/config-folder.ts';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('kpi-sync check', () => {
  it('says ok per connection, or exactly what is wrong, and exits 1 when any fails', async () => {
    const { dir, db } = writeTestConfig();
    writeFileSync(
      path.join(dir, 'more.yaml'),
      `connections:
  - id: missing
    type: csv
    path: ./nowhere.csv
`,
    );
    const all = await runCli(['check', '--config', dir, '--db', db]);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/✔ local \(csv\): .*date, region, amount/);
    expect(all.stdout).toMatch(/✘ missing \(csv\): KS_ERR_SOURCE_READ .*nowhere\.csv/);

    const one = await runCli(['check', 'local', '--config', dir, '--db', db]);
    expect(one.code).toBe(0);
    expect(one.stdout).not.toMatch(/missing/);

    const unknown = await runCli(['check', 'nope', '--config', dir, '--db', db]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown connection "nope"; known: local, missing/);
  });

  it('probes every connection at once, each under its own deadline and with one attempt', async () => {
    // Two hosts that accept a request and never answer, and one that answers. How many
    // requests each silent host saw, and whether the second arrived while the first was
    // still open, tell parallel from sequential without timing anything.
    let open = 0;
    const openWhenArriving: number[] = [];
    const silentRequests = [0, 0];
    const silent =
      (which: number): http.RequestListener =>
      (req) => {
        silentRequests[which]! += 1;
        openWhenArriving.push(open);
        open += 1;
        req.socket.once('close', () => (open -= 1));
      };
    const first = await listen(silent(0));
    const second = await listen(silent(1));
    const answering = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end('date,amount\n2026-03-01,5\n');
    });
    const { dir, db } = writeTestConfig();
    writeFileSync(
      path.join(dir, 'remote.yaml'),
      `connections:
  - { id: silent_one, type: csv, url: "${first}/export.csv" }
  - { id: answering, type: csv, url: "${answering}/ok.csv" }
  - { id: silent_two, type: csv, url: "${second}/export.csv" }
`,
    );
    const result = await runCli(['check', '--timeout', '2000', '--config', dir, '--db', db]);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^✔ local \(csv\): /),
      "✘ silent_one (csv): KS_ERR_TRANSIENT no answer within 2000 ms (the check's deadline; --timeout <ms> changes it)",
      `✔ answering (csv): ${answering}/ok.csv is readable; columns: date, amount`,
      "✘ silent_two (csv): KS_ERR_TRANSIENT no answer within 2000 ms (the check's deadline; --timeout <ms> changes it)",
    ]);
    expect(silentRequests).toEqual([1, 1]);
    expect([...openWhenArriving].sort()).toEqual([0, 1]);
  });

  it('refuses a --timeout that is not a number of milliseconds', async () => {
    const { dir, db } = writeTestConfig();
    const result = await runCli(['check', '--timeout', 'soon', '--config', dir, '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("option '--timeout <ms>' argument 'soon' is invalid. expected a whole number of milliseconds");
  });
});
