import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess, runCli, tempDir } from '../helpers/cli.ts';

// A credential that must never leave the process: not in logs, errors, CLI output or the store.
const CANARY = 'canary-7c1e4b0f-SECRET-token';

let server: http.Server;
let url: string;
const seenAuth: string[] = [];

beforeAll(async () => {
  // The worst case: a source that echoes the credential back in its error body.
  server = http.createServer((req, res) => {
    seenAuth.push(String(req.headers.authorization));
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`internal error while checking ${req.headers.authorization}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/export.csv`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function config(): { dir: string; db: string } {
  const dir = tempDir('kpi-sync-secret-');
  writeFileSync(
    path.join(dir, 'main.yaml'),
    `connections:
  - id: remote
    type: csv
    url: ${url}
    headers:
      Authorization: Bearer \${CANARY_TOKEN}
kpis:
  - id: remote_total
    name: Remote total
    category: Growth
    source:
      connection: remote
      query:
        value: { column: amount, aggregate: sum }
`,
  );
  return { dir, db: path.join(tempDir(), 'secret.db') };
}

describe('secrets never leave the process', () => {
  it('a failing sync whose source echoes the credential: not in run output, status, logs or the store', async () => {
    const { dir, db } = config();
    const env = { CANARY_TOKEN: CANARY };

    const run = await runCli(['run', '--once', '--config', dir, '--db', db, '--json'], env);
    expect(seenAuth).toContain(`Bearer ${CANARY}`); // it really was sent to the source
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/failed/);
    expect(run.stdout + run.stderr).not.toContain(CANARY);

    const status = await runCli(['status', '--config', dir, '--db', db], env);
    expect(status.stdout + status.stderr).not.toContain(CANARY);

    const worker = new CliProcess(['start', '--json', '--config', dir, '--db', db, '--log-level', 'trace'], env);
    await worker.waitFor((logs) => logs.some((l) => l.kpi === 'remote_total' && l.level === 40));
    worker.signal('SIGTERM');
    await worker.exited;
    expect(worker.stdout + worker.stderr).not.toContain(CANARY);
    expect(worker.stdout).toContain('[redacted]');

    const storeBytes = readFileSync(db).toString('latin1') + readFileSync(`${db}-wal`, { flag: 'a+' }).toString('latin1');
    expect(storeBytes).not.toContain(CANARY);
  });

  it('an unset secret variable is named, and validate fails without printing any value', async () => {
    const { dir } = config();
    const result = await runCli(['validate', '--config', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/main\.yaml:6:\d+ .*CANARY_TOKEN/);
  });
});
