import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite.store.ts';
import { CliProcess, runCli, tempDir } from '../helpers/cli.ts';

function rows(db: string, kpi: string): { period: string; value: number }[] {
  const sqlite = new Database(db, { readonly: true });
  try {
    return sqlite.prepare('select period, value from datapoints where kpi = ? order by period').all(kpi) as { period: string; value: number }[];
  } finally {
    sqlite.close();
  }
}

/** Daily revenue rows for 2025-01-01 … 2026-02-28 (14 months): each day's amount is its month number. */
function writeCsvConfig(): { dir: string; db: string } {
  const dir = tempDir('kpi-sync-backfill-');
  const lines = ['date,amount'];
  for (let d = new Date(Date.UTC(2025, 0, 1)); d < new Date(Date.UTC(2026, 2, 1)); d = new Date(d.getTime() + 86_400_000)) {
    lines.push(`${d.toISOString().slice(0, 10)},${d.getUTCMonth() + 1}`);
  }
  lines.push('2025-05-05,not-a-number');
  writeFileSync(path.join(dir, 'revenue.csv'), `${lines.join('\n')}\n`);
  writeFileSync(
    path.join(dir, 'main.yaml'),
    `connections:
  - { id: files, type: csv, path: ./revenue.csv }
kpis:
  - id: revenue
    name: Revenue
    category: Growth
    interval: month
    timezone: UTC
    source:
      connection: files
      query:
        date: { column: date }
        value: { column: amount, aggregate: sum }
  - id: revenue_daily
    name: Daily revenue
    category: Growth
    unit: USD
    interval: day
    timezone: UTC
    source:
      connection: files
      query:
        date: { column: date }
        value: { column: amount, aggregate: sum }
`,
  );
  return { dir, db: path.join(tempDir('kpi-sync-db-'), 'backfill.db') };
}

/** The rows of the table a backfill prints after its done line, as [period, value]. */
function summaryRows(stdout: string): string[][] {
  const after = stdout.slice(stdout.indexOf(': done — '));
  return [...after.matchAll(/^│\s*(\d{4}-[\dQW-]+)\s*│\s*([^│]+?)\s*│$/gm)].map((m) => [m[1]!, m[2]!]);
}

/**
 * A Jira Data Center on loopback: POST /rest/api/2/search answers the month of the
 * JQL's `created >=` date times 10 as the total. The first request can be made to
 * answer 429 with Retry-After: 1, and every answer can be delayed.
 */
class FakeJira {
  readonly server: Server;
  readonly months: string[] = [];
  statuses: number[] = [];
  throttleFirst = false;
  delayMs = 0;

  constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const jql = (JSON.parse(body) as { jql: string }).jql;
        const month = /created >= "(\d{4}-\d{2})/.exec(jql)![1]!;
        if (this.throttleFirst) {
          this.throttleFirst = false;
          this.statuses.push(429);
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"errorMessages":["Rate limit exceeded"]}');
          return;
        }
        setTimeout(() => {
          this.months.push(month);
          this.statuses.push(200);
          const total = Number(month.slice(5)) * 10;
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ startAt: 0, maxResults: 0, total, issues: [] }));
        }, this.delayMs);
      });
    });
  }

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
}

function writeJiraConfig(baseUrl: string): { dir: string; db: string } {
  const dir = tempDir('kpi-sync-backfill-jira-');
  writeFileSync(
    path.join(dir, 'main.yaml'),
    `connections:
  - id: jira
    type: jira
    baseUrl: ${baseUrl}
    deployment: datacenter
    jqlTimeZone: UTC
    auth: { type: pat, token: test-pat-secret }
kpis:
  - id: bugs
    name: Bugs opened
    category: Quality
    interval: month
    timezone: UTC
    source:
      connection: jira
      query:
        metric: count
        jql: project = SHOP AND created >= {{window.start}} AND created < {{window.end}}
`,
  );
  return { dir, db: path.join(tempDir('kpi-sync-db-'), 'backfill.db') };
}

const servers: Server[] = [];
const processes: CliProcess[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  for (const p of processes.splice(0)) if (p.child.exitCode === null) p.signal('SIGKILL');
});

async function fakeJira(): Promise<{ jira: FakeJira; dir: string; db: string }> {
  const jira = new FakeJira();
  servers.push(jira.server);
  return { jira, ...writeJiraConfig(await jira.start()) };
}

describe('kpi-sync backfill', () => {
  it('CSV: writes every period in the file in one pass, with plain progress lines; a re-run doubles nothing', async () => {
    const { dir, db } = writeCsvConfig();
    const first = await runCli(['backfill', '--kpi', 'revenue', '--config', dir, '--db', db]);
    expect(first.stderr).not.toMatch(/KS_ERR/);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('backfill revenue: 14/14 periods (2026-02)');
    expect(first.stdout).toContain('backfill revenue: done — 14 period(s) from 2025-01 to 2026-02 written, 1 row(s) rejected');
    expect(first.stdout).not.toContain('\r');
    // What it wrote, after the done line: every period with its value.
    expect(summaryRows(first.stdout)).toEqual(rows(db, 'revenue').map((r) => [r.period.slice(0, 7), String(r.value)]));

    const written = rows(db, 'revenue');
    expect(written).toHaveLength(14);
    expect(written[0]).toEqual({ period: '2025-01-01T00:00:00.000Z', value: 31 });
    expect(written.find((r) => r.period.startsWith('2025-02'))?.value).toBe(2 * 28);
    expect(written.at(-1)).toEqual({ period: '2026-02-01T00:00:00.000Z', value: 2 * 28 });

    const again = await runCli(['backfill', '--kpi', 'revenue', '--config', dir, '--db', db]);
    expect(again.code).toBe(0);
    expect(rows(db, 'revenue')).toEqual(written);
  });

  it('lists at most 50 of the periods it wrote, and counts the rest', async () => {
    const { dir, db } = writeCsvConfig();
    const result = await runCli(['backfill', '--kpi', 'revenue_daily', '--config', dir, '--db', db]);
    expect(result.code).toBe(0);
    const days = rows(db, 'revenue_daily');
    expect(days.length).toBeGreaterThan(400);
    expect(summaryRows(result.stdout)).toEqual(days.slice(0, 50).map((r) => [r.period.slice(0, 10), `${r.value} USD`]));
    expect(result.stdout).toContain(`… ${days.length - 50} more; \`kpi-sync history --kpi revenue_daily --from DATE --to DATE\` lists them all`);
  });

  it('per period: one query per closed period, waits out a 429 Retry-After, and a re-run doubles nothing', async () => {
    const { jira, dir, db } = await fakeJira();
    jira.throttleFirst = true;
    const result = await runCli(['backfill', '--kpi', 'bugs', '--from', '2025-01-01', '--to', '2025-06-30', '--config', dir, '--db', db]);
    expect(result.stderr).not.toMatch(/KS_ERR/);
    expect(result.code).toBe(0);
    expect(jira.statuses).toEqual([429, 200, 200, 200, 200, 200, 200]);
    expect(jira.months).toEqual(['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06']);
    expect(result.stdout).toContain('backfill bugs: 1/6 periods (2025-01)');
    expect(result.stdout).toContain('backfill bugs: 6/6 periods (2025-06)');
    expect(result.stdout).toContain('done — 6 period(s) from 2025-01 to 2025-06');
    expect(summaryRows(result.stdout)).toEqual([
      ['2025-01', '10'],
      ['2025-02', '20'],
      ['2025-03', '30'],
      ['2025-04', '40'],
      ['2025-05', '50'],
      ['2025-06', '60'],
    ]);
    expect(result.stdout).not.toContain('test-pat-secret');
    expect(rows(db, 'bugs').map((r) => r.value)).toEqual([10, 20, 30, 40, 50, 60]);

    const again = await runCli(['backfill', '--kpi', 'bugs', '--from', '2025-01-01', '--to', '2025-06-30', '--config', dir, '--db', db]);
    expect(again.code).toBe(0);
    expect(rows(db, 'bugs')).toHaveLength(6);
  });

  it('resumes after the last period an interrupted run recorded', async () => {
    const { jira, dir, db } = await fakeJira();
    const store = await openSqliteStore(db);
    await store.saveBackfillProgress('bugs', {
      from: '2025-01-01T00:00:00.000Z',
      to: '2025-06-01T00:00:00.000Z',
      done: '2025-03-01T00:00:00.000Z',
      updatedAt: '2025-07-01T00:00:00.000Z',
    });
    await store.close();

    const result = await runCli(['backfill', '--kpi', 'bugs', '--from', '2025-01-01', '--to', '2025-06-30', '--config', dir, '--db', db]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('backfill bugs: resuming after 2025-03 (3 of 6 periods already written)');
    expect(jira.months).toEqual(['2025-04', '2025-05', '2025-06']);
    expect(result.stdout).toContain('backfill bugs: 6/6 periods (2025-06)');
    // Only what this run wrote.
    expect(summaryRows(result.stdout).map(([period]) => period)).toEqual(['2025-04', '2025-05', '2025-06']);

    // Finished: the cursor is gone, so --restart is not needed to run the range again.
    const again = await runCli(['backfill', '--kpi', 'bugs', '--from', '2025-01-01', '--to', '2025-06-30', '--config', dir, '--db', db]);
    expect(again.stdout).not.toContain('resuming');
    expect(jira.months).toHaveLength(9);
  });

  it('SIGINT stops after the current period with exit 130; the re-run asks for each remaining period once', async () => {
    const { jira, dir, db } = await fakeJira();
    jira.delayMs = 250;
    const args = ['backfill', '--kpi', 'bugs', '--from', '2025-01-01', '--to', '2025-12-31', '--config', dir, '--db', db];
    const first = new CliProcess(args);
    processes.push(first);
    const deadline = Date.now() + 15_000;
    while (!first.stdout.includes('1/12 periods') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    first.signal('SIGINT');
    expect(await first.exited).toBe(130);
    expect(first.stdout).toContain('stopping after the current period');
    expect(first.stdout).toMatch(/interrupted after \d+\/12 periods; run the same command again to resume/);
    const before = jira.months.length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(12);
    expect(rows(db, 'bugs')).toHaveLength(before);

    jira.delayMs = 0;
    const second = await runCli(args);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`resuming after 2025-${String(before).padStart(2, '0')} (${before} of 12 periods already written)`);
    expect(jira.months).toEqual(Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`));
    expect(rows(db, 'bugs').map((r) => r.value)).toEqual(Array.from({ length: 12 }, (_, i) => (i + 1) * 10));
  });

  it('refuses a per-period backfill without --from, naming what to do', async () => {
    const { dir, db } = await fakeJira();
    const result = await runCli(['backfill', '--kpi', 'bugs', '--config', dir, '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('KS_ERR_USAGE: --from is required to backfill bugs: its jira connection runs one query per period');
  });
});
