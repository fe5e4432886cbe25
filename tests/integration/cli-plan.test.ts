import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { writeTestConfig } from '../helpers/config-folder.ts';
import { startReceiver } from '../helpers/receiver.ts';

const SECRET = `whsec_${Buffer.from('kpi-sync plan test secret 32 byte').toString('base64')}`;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('kpi-sync plan (dry run)', () => {
  it('shows what would be stored, the health changes and the alerts, and sends and stores nothing', async () => {
    const receiver = await startReceiver();
    closers.push(receiver.close);
    const { dir, db } = writeTestConfig();
    writeFileSync(
      path.join(dir, 'alerts.yaml'),
      `alerts:
  destinations:
    - name: ops
      kind: webhook
      url: ${receiver.url}/hook
      secret: \${HOOK_SECRET}
  routes:
    - { name: all, destinations: [ops] }
`,
    );
    const result = await runCli(['plan', '--config', dir, '--db', db], { HOOK_SECRET: SECRET });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Datapoints that would be written:[\s\S]*Sales today[^\n]*350\.5 USD[^\n]*—/);
    expect(result.stdout).toMatch(/Health changes:[\s\S]*sales_today[^\n]*no_data[^\n]*warn/);
    expect(result.stdout).toMatch(/Alerts that would be sent:[\s\S]*ops[^\n]*sales_today[^\n]*health\.transition no_data → warn/);
    expect(result.stdout).toMatch(/Nothing was stored or sent\./);
    expect(receiver.received).toHaveLength(0);

    // Not even the database file: a plan on a new folder leaves no trace.
    expect(existsSync(db)).toBe(false);
    expect(existsSync(path.dirname(db)) ? readdirSync(path.dirname(db)).filter((f) => f.includes('.db')) : []).toEqual([]);
  });

  it('writes nothing to an existing store, and logs "would queue", never "queued"', async () => {
    const { dir, db } = writeTestConfig();
    expect((await runCli(['run', '--once', '--config', dir, '--db', db])).code).toBe(0);
    const before = snapshot(db);
    // A new row for today: the plan would change the current period's value.
    writeFileSync(path.join(dir, 'sales.csv'), `${new Date().toISOString().slice(0, 10)},south,1000\n`, { flag: 'a' });
    const result = await runCli(['plan', '--config', dir, '--db', db]);
    expect(result.code).toBe(0);
    expect(snapshot(db)).toEqual(before);
    expect(result.stdout).toMatch(/Datapoints that would be written:[\s\S]*Sales today[^\n]*1,350\.5 USD[^\n]*350\.5 USD/);
    expect(result.stderr).not.toMatch(/"msg":"queued/);
  });
});

function snapshot(db: string): unknown {
  const sqlite = new Database(db, { readonly: true });
  const counts = sqlite
    .prepare(
      'select (select count(*) from datapoints) as d, (select count(*) from outbox) as o, (select count(*) from health_transitions) as t, (select count(*) from sync_runs) as r',
    )
    .get();
  sqlite.close();
  return counts;
}
