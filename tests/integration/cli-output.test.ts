import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { utcDate, writeTestConfig } from '../helpers/config-folder.ts';
import { startReceiver } from '../helpers/receiver.ts';

/** `-o json`: one JSON document on stdout and nothing else; logs stay on stderr; exit codes as with tables. */

const CSV_KEY = 'csv-key-7e1b9a44d2c0';
const HOOK_SECRET = `whsec_${Buffer.from('cli output test secret, 32 bytes').toString('base64')}`;
let dir: string;
let db: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

function json(result: CliResult): Record<string, any> {
  expect(result.stdout.trimStart().startsWith('{'), result.stdout.slice(0, 200)).toBe(true);
  return JSON.parse(result.stdout) as Record<string, any>;
}

const cli = (args: string[]) => runCli([...args, '--config', dir, '--db', db, '--json'], { CSV_KEY, HOOK_SECRET });

beforeAll(async () => {
  // Answers the CSV connection's URL; the webhook destination gets a 500 so alerts stay listed.
  receiver = await startReceiver((req) => {
    if (req.path.startsWith('/export.csv')) return { status: 200, headers: { 'content-type': 'text/csv' }, body: 'date,amount\n2026-01-01,1\n' };
    if (req.path.startsWith('/echo.csv'))
      return { status: 403, headers: { 'content-type': 'text/plain' }, body: `key ${new URL(req.path, 'http://x').searchParams.get('key')} has no access` };
    return { status: 500, body: 'down' };
  });
  ({ dir, db } = writeTestConfig());
  writeFileSync(
    path.join(dir, 'more.yaml'),
    `connections:
  - { id: remote, type: csv, url: "${receiver.url}/export.csv?key=\${CSV_KEY}" }
kpis:
  # Any string can take a \${VAR}, and what it brings is a secret wherever it shows up.
  - { id: labelled, name: "Sales for \${CSV_KEY}", category: Growth, interval: day, timezone: UTC, formula: sales_today * 2 }
alerts:
  destinations:
    - { name: ops, kind: webhook, url: "${receiver.url}/hook", secret: "\${HOOK_SECRET}" }
  routes:
    - { name: all, destinations: [ops] }
`,
  );
});

afterAll(async () => {
  await receiver?.close();
});

describe('--output json', () => {
  it('plan: what would be written, the health changes and the alerts, as one document', async () => {
    const result = await cli(['plan', '-o', 'json']);
    expect(result.code).toBe(0);
    const plan = json(result);
    expect(plan.stored).toBe(false);
    expect(plan.datapoints).toContainEqual(
      expect.objectContaining({ kpi: 'sales_today', label: utcDate(0), value: 350.5, display: '350.5 USD', source: 'local', stored: null }),
    );
    expect(plan.transitions).toContainEqual(expect.objectContaining({ kpi: 'sales_today', from: 'no_data', to: 'warn' }));
    expect(plan.alerts).toContainEqual(
      expect.objectContaining({
        destination: 'ops',
        channel: 'alert',
        payload: expect.objectContaining({ type: 'health.transition', kpi: expect.objectContaining({ id: 'sales_today' }), to: 'warn' }),
      }),
    );
    expect(result.stderr).toMatch(/"msg":"/);
  });

  it('run: each sync with its run record, periods, health and KR progress; the delivery pass; exit code as with the table', async () => {
    const result = await cli(['run', '--once', '-o', 'json']);
    expect(result.code).toBe(0);
    const { results, delivery } = json(result);
    const sales = results.find((r: { kpi: string }) => r.kpi === 'sales_today');
    expect(sales.run).toMatchObject({
      kpi: 'sales_today',
      status: 'ok',
      mode: 'current',
      rejected: 1,
      rejects: [{ where: 4, reason: expect.stringMatching(/not a number/) }],
    });
    expect(sales.judged).toMatchObject({ role: 'current', roleLabel: 'today', label: utcDate(0), point: { value: 350.5, display: '350.5 USD' } });
    expect(sales.beside).toMatchObject({ role: 'closed', roleLabel: 'yesterday', label: utcDate(1) });
    expect(sales.health.state).toBe('warn');
    expect(sales.transition).toMatchObject({ from: 'no_data', to: 'warn' });
    expect(sales.progress).toEqual([
      expect.objectContaining({ kr: 'daily_sales_500', title: 'Daily sales to 500', objective: 'grow', progress: 350.5 / 500, display: '350.5 USD' }),
    ]);
    expect(results.map((r: { kpi: string }) => r.kpi).sort()).toEqual(['labelled', 'north_share', 'north_today', 'sales_today']);
    expect(results.find((r: { kpi: string }) => r.kpi === 'labelled').name).toBe('Sales for [redacted]');
    expect(result.stdout).not.toContain(CSV_KEY);
    // The webhook answered 500: retried later, not lost.
    expect(delivery).toMatchObject({ delivered: 0, retried: 1 });
  });

  it('status: the same views as GET /api/kpis and /api/objectives', async () => {
    const result = await cli(['status', '--output', 'json']);
    const { kpis, objectives } = json(result);
    expect(kpis.map((k: { id: string }) => k.id)).toEqual(['sales_today', 'north_today', 'north_share', 'labelled']);
    // Scrubbed like the table: the name carries a secret.
    expect(kpis[3]).toMatchObject({ name: 'Sales for [redacted]', judged: { point: { value: 701 } } });
    expect(result.stdout).not.toContain(CSV_KEY);
    expect(kpis[0]).toMatchObject({
      id: 'sales_today',
      unit: 'USD',
      band: { min: 100, warnMin: 500 },
      bandText: 'warn < 500 · critical < 100',
      health: { state: 'warn' },
      judged: { label: utcDate(0), point: { value: 350.5 } },
      lastRun: { status: 'ok' },
    });
    expect(objectives[0].krs[0]).toMatchObject({ id: 'daily_sales_500', kind: 'committed', progress: { value: 350.5, track: expect.any(String) } });
  });

  it('history: the stored datapoints and the transitions of the range', async () => {
    const history = json(await cli(['history', '--kpi', 'sales_today', '-o', 'json']));
    expect(history).toMatchObject({ kpi: 'sales_today', interval: 'day', unit: 'USD', range: { default: true }, truncated: false });
    expect(history.datapoints).toEqual([expect.objectContaining({ label: utcDate(0), value: 350.5, source: 'local' })]);
    expect(history.transitions).toEqual([expect.objectContaining({ from: 'no_data', to: 'warn', label: utcDate(0), display: '350.5 USD' })]);
  });

  it('alerts and pushes: the outbox entries with their payloads', async () => {
    const { alerts, disabledDestinations } = json(await cli(['alerts', '-o', 'json']));
    expect(disabledDestinations).toEqual([]);
    expect(alerts).toEqual([
      expect.objectContaining({
        destination: 'ops',
        status: 'pending',
        attempts: 1,
        lastStatus: 500,
        payload: expect.objectContaining({ from: 'no_data', to: 'warn' }),
      }),
    ]);
    expect(json(await cli(['pushes', '-o', 'json']))).toEqual({ pushes: [] });
  });

  it('check: every connection with ok and detail, or the error, secrets scrubbed; exit 1 when one fails', async () => {
    const ok = await cli(['check', 'remote', '-o', 'json']);
    expect(ok.code).toBe(0);
    expect(json(ok)).toEqual({
      connections: [{ connection: 'remote', type: 'csv', ok: true, detail: `${receiver.url}/export.csv is readable; columns: date, amount` }],
    });

    // A source that echoes the request's key in its error body: the key came from ${CSV_KEY}, so it is never printed.
    writeFileSync(path.join(dir, 'echo.yaml'), `connections:\n  - { id: echo, type: csv, url: "${receiver.url}/echo.csv?key=\${CSV_KEY}" }\n`);
    const failed = await cli(['check', '-o', 'json']);
    expect(failed.code).toBe(1);
    const { connections } = json(failed);
    // In config order: the folder's files are read alphabetically, echo.yaml first.
    expect(connections.map((c: { connection: string; ok: boolean }) => [c.connection, c.ok])).toEqual([
      ['echo', false],
      ['local', true],
      ['remote', true],
    ]);
    expect(connections[0]).toMatchObject({ type: 'csv', error: { code: expect.stringMatching(/^KS_ERR_/), retryable: false } });
    expect(connections[0].error.message).toContain('[redacted]');
    expect(failed.stdout).not.toContain(CSV_KEY);
    const table = await cli(['check', 'echo']);
    expect(table.stdout).toMatch(/^✘ echo \(csv\): KS_ERR_\w+ .*\[redacted\]/);
    expect(table.stdout).not.toContain(CSV_KEY);
  });

  it('refuses a format it does not know, as a usage error with the choices', async () => {
    const result = await cli(['history', '--kpi', 'sales_today', '-o', 'yaml']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('KS_ERR_USAGE: --output must be one of table, json; got "yaml"');
  });
});

describe('kpi-sync history (table)', () => {
  it('lists period, value with unit, observed at, source and the approximate marker, then the transitions', async () => {
    const result = await cli(['history', '--kpi', 'sales_today', '--from', utcDate(3), '--to', utcDate(0)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^Sales today \\(sales_today\\) · every day · UTC · ${utcDate(3)} to ${utcDate(0)} · band warn < 500 · critical < 100`),
    );
    expect(result.stdout).toMatch(/period\s*│\s*value\s*│\s*observed at\s*│\s*source\s*│\s*approx\./);
    expect(result.stdout).toMatch(new RegExp(`${utcDate(0)}\\s*│\\s*350\\.5 USD\\s*│\\s*\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\s*│\\s*local\\s*│`));
    expect(result.stdout).toContain('1 datapoint(s)');
    expect(result.stdout).toMatch(/Health now: warn since /);
    expect(result.stdout).toMatch(new RegExp(`Health transitions in this range:[\\s\\S]*${utcDate(0)}\\s*│\\s*no_data → warn\\s*│\\s*350\\.5 USD`));

    const before = await cli(['history', '--kpi', 'sales_today', '--to', utcDate(1)]);
    expect(before.stdout).toContain('No datapoint is stored in this range.');
    expect(before.stdout).toContain('No health transition in this range.');
  });
});
