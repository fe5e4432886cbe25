import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { writeTestConfig } from '../helpers/config-folder.ts';
import { startReceiver } from '../helpers/receiver.ts';

const SECRET = `whsec_${Buffer.from('kpi-sync silence test secret 32by').toString('base64')}`;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const receiver = await startReceiver();
  cleanups.push(receiver.close);
  const { dir, db } = writeTestConfig();
  writeFileSync(
    path.join(dir, 'alerts.yaml'),
    `alerts:
  destinations:
    - { name: ops, kind: webhook, url: "${receiver.url}/hooks", secret: "\${HOOK_SECRET}" }
  routes:
    - { name: everything, destinations: [ops], notify: [warn, critical, resolved] }
`,
  );
  const cli = (...args: string[]) => runCli([...args, '--config', dir, '--db', db], { HOOK_SECRET: SECRET, USER: 'carol' });
  return { receiver, cli };
}

describe('kpi-sync silence', () => {
  it("a silenced KPI's alert is recorded, not sent, and the listings say by whom, why and until when", { timeout: 60_000 }, async () => {
    const { receiver, cli } = await setup();
    const added = await cli('silence', 'add', '--kpi', 'sales_today', '--for', '2h', '--reason', 'CSV export is being migrated', '--by', 'alice');
    expect(added.code, added.stderr).toBe(0);
    const id = /: (sil_[0-9a-f]{8})\n/.exec(added.stdout)?.[1];
    expect(added.stdout).toMatch(/^silenced KPI sales_today until \d{4}-\d\d-\d\dT[\d:.]+Z \(2h\): sil_/);

    const run = await cli('run', '--once');
    expect(run.code, run.stderr).toBe(0);
    expect(receiver.received).toEqual([]);

    const alerts = await cli('alerts');
    expect(alerts.stdout).toMatch(/^no alerts waiting, failed or dead-lettered\n1 alert\(s\) silenced in the last 24 h, recorded and not sent/);
    const all = await cli('alerts', '--all');
    expect(all.stdout).toMatch(new RegExp(`silenced\\s*│\\s*ops\\s*│\\s*sales_today\\s*│\\s*no_data → warn.*silenced by ${id}`));

    const list = await cli('silence', 'list');
    expect(list.stdout).toMatch(new RegExp(`${id}\\s*│\\s*KPI sales_today\\s*│\\s*active\\s*│.*│\\s*alice\\s*│\\s*CSV export is being migrated`));

    const removed = await cli('silence', 'remove', id!);
    expect(removed.stdout).toBe(`removed ${id}: alerts about KPI sales_today are sent again from now\n`);
    expect((await cli('silence', 'list')).stdout).toMatch(new RegExp(`${id}\\s*│\\s*KPI sales_today\\s*│\\s*removed`));
    expect((await cli('silence', 'remove', id!)).stdout).toMatch(/had already ended at .*; nothing changed/);
  });

  it('silences a category, defaulting the author to $USER', async () => {
    const { cli } = await setup();
    expect((await cli('silence', 'add', '--category', 'Growth', '--for', '90m', '--reason', 'quarter close')).code).toBe(0);
    expect((await cli('silence', 'list')).stdout).toMatch(/category Growth\s*│\s*active\s*│.*│\s*carol\s*│\s*quarter close/);
  });

  it.each([
    [['add', '--kpi', 'sales_today', '--category', 'Growth', '--for', '1h', '--reason', 'x'], /exactly one of --kpi ID or --category NAME/],
    [['add', '--kpi', 'sales_today', '--reason', 'x'], /needs --for/],
    [['add', '--kpi', 'sales_today', '--for', 'two hours', '--reason', 'x'], /--for: not a duration: "two hours"/],
    [['add', '--kpi', 'sales_today', '--for', '1h'], /needs --reason/],
    [['add', '--kpi', 'sales_todya', '--for', '1h', '--reason', 'x'], /unknown KPI "sales_todya"; did you mean "sales_today"\?/],
    [['add', '--category', 'Growht', '--for', '1h', '--reason', 'x'], /unknown category "Growht"; did you mean "Growth"\?/],
    [['remove', 'sil_nope'], /unknown silence "sil_nope"/],
  ])('kpi-sync silence %j is a usage error', async (args, expected) => {
    const { cli } = await setup();
    const result = await cli('silence', ...args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`KS_ERR_USAGE: .*${expected.source}`));
  });
});
