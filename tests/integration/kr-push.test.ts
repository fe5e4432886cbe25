import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeQuantive } from '../unit/targets/fake-platforms.ts';
import { runCli } from '../helpers/cli.ts';
import { utcDate, writeTestConfig } from '../helpers/config-folder.ts';

const TOKEN = 'quantive-token-canary-5a7f9c';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** The test config's KR daily_sales_500 pushed to a fake Quantive, with a guard on its KPI. */
async function setup() {
  const quantive = await startFakeQuantive({ token: TOKEN, accountId: 'acct-1' });
  closers.push(() => quantive.close());
  const { dir, db } = writeTestConfig();
  const main = path.join(dir, 'main.yaml');
  const { readFileSync } = await import('node:fs');
  writeFileSync(
    main,
    readFileSync(main, 'utf8')
      .replace('    health:\n      band: { min: 100, warnMin: 500 }', '    health:\n      band: { min: 100, warnMin: 500 }\n    guard: { maxJumpPercent: 200 }')
      .replace('        dueDate:', '        push:\n          - { target: quantive, id: metric-42 }\n        dueDate:'),
  );
  writeFileSync(
    path.join(dir, 'targets.yaml'),
    `targets:
  - name: quantive
    kind: quantive
    token: \${QUANTIVE_TOKEN}
    accountId: acct-1
    baseUrl: ${quantive.base}
`,
  );
  const env = { QUANTIVE_TOKEN: TOKEN };
  return { quantive, dir, db, env, run: (...args: string[]) => runCli([...args, '--config', dir, '--db', db], env) };
}

describe('KR progress pushed to an OKR platform', () => {
  it('checks in once per changed value, never twice for the same one', async () => {
    const { quantive, run } = await setup();
    const first = await run('run', '--once');
    expect(first.code).toBe(0);
    expect(quantive.checkins).toHaveLength(1);
    expect(quantive.checkins[0]).toMatchObject({ metricId: 'metric-42', body: { actual: 350.5, checkInDate: utcDate(0) } });
    expect(String(quantive.checkins[0]!.body.comment)).toMatch(/Sales today = 350\.5 USD .* from csv connection "local".*run [0-9a-f-]{36}/);

    await run('run', '--once'); // same value: nothing to push
    expect(quantive.checkins).toHaveLength(1);
    const listed = await run('pushes', '--all');
    expect(listed.stdout).toMatch(/delivered\s*│\s*quantive\s*│\s*daily_sales_500\s*│\s*350\.5/);
    expect(listed.stdout + listed.stderr).not.toContain(TOKEN);
  });

  it('holds a suspicious jump until an operator approves it', async () => {
    const { quantive, dir, run } = await setup();
    await run('run', '--once');
    expect(quantive.checkins).toHaveLength(1);

    // Today's sales jump from 350.5 to 5,350.5: more than the 200% the guard allows.
    writeFileSync(path.join(dir, 'sales.csv'), `date,region,amount\n${utcDate(0)},north,100\n${utcDate(0)},south,5250.5\n`);
    const held = await run('run', '--once');
    expect(held.stderr).toMatch(/KR push held: the value moved \+1426\.5% from 350\.5 to 5350\.5/);
    expect(quantive.checkins).toHaveLength(1);
    const listed = await run('pushes');
    const id = /(push_[0-9a-f]{32})\s*│\s*held/.exec(listed.stdout)?.[1];
    expect(id, listed.stdout).toBeDefined();

    expect((await run('pushes', 'approve', id!)).code).toBe(0);
    await run('run', '--once');
    expect(quantive.checkins).toHaveLength(2);
    expect(quantive.checkins[1]!.body.actual).toBe(5350.5);
  });

  it('validate names a KR push to an unknown target', async () => {
    const { dir, run } = await setup();
    writeFileSync(path.join(dir, 'targets.yaml'), 'targets: []\n');
    const result = await run('validate');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/main\.yaml:\d+:\d+ objectives\[0\]\.krs\[0\]\.push\[0\]\.target: unknown target "quantive"/);
  });
});
