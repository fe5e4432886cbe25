import { writeFileSync } from 'node:fs';
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

    const sqlite = new Database(db, { readonly: true });
    const counts = sqlite.prepare('select (select count(*) from datapoints) as d, (select count(*) from outbox) as o, (select count(*) from health) as h').get();
    sqlite.close();
    expect(counts).toEqual({ d: 0, o: 0, h: 0 });
  });
});
