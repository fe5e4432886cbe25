import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite.store.ts';
import { runCli } from '../helpers/cli.ts';
import { writeTestConfig } from '../helpers/config-folder.ts';
import { startReceiver, type Received } from '../helpers/receiver.ts';

const SECRET = `whsec_${Buffer.from('kpi-sync alert-ops test secret 32').toString('base64')}`;
const ENV = { HOOK_SECRET: SECRET, PD_KEY: 'R0UT1NGKEY0000000000000000000000' };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A config whose three destinations (webhook, Slack, PagerDuty) all point at one loopback receiver. */
async function setup(answer?: Parameters<typeof startReceiver>[0]) {
  const receiver = await startReceiver(answer);
  cleanups.push(receiver.close);
  const { dir, db } = writeTestConfig();
  writeFileSync(
    path.join(dir, 'alerts.yaml'),
    `alerts:
  destinations:
    - { name: ops, kind: webhook, url: "${receiver.url}/hooks/kpi", secret: "\${HOOK_SECRET}" }
    - { name: chat, kind: slack, url: "${receiver.url}/slack/T0/B0/x" }
    - { name: pager, kind: pagerduty, routingKey: "\${PD_KEY}", url: "${receiver.url}/v2/enqueue" }
  routes:
    - { name: everything, destinations: [ops], notify: [warn, critical, resolved] }
`,
  );
  const cli = (...args: string[]) => runCli([...args, '--config', dir, '--db', db], ENV);
  return { receiver, dir, db, cli };
}

const json = (r: Received) => JSON.parse(r.body) as Record<string, unknown>;

describe('kpi-sync alerts test', () => {
  it('sends a marked test event to a webhook, signed like a real alert, and says it was delivered', async () => {
    const { receiver, cli } = await setup(() => ({ status: 204 }));
    const result = await cli('alerts', 'test', 'ops');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^test alert delivered to ops: 204 in \d+ ms \(event evt_test_[0-9a-f]{32}\)\n$/);

    expect(receiver.received).toHaveLength(1);
    const [hook] = receiver.received;
    expect(hook!.path).toBe('/hooks/kpi');
    const verified = new Webhook(SECRET).verify(hook!.body, hook!.headers as Record<string, string>) as Record<string, unknown>;
    expect(verified).toMatchObject({
      type: 'alert.test',
      test: true,
      data: { type: 'alert.test', test: true, host: hostname(), kpi: { id: 'kpi-sync:test' } },
    });
    expect(hook!.headers['webhook-id']).toBe((verified.data as { id: string }).id);
    expect((verified.data as { suggestion: string }).suggestion).toContain(`test sent with \`kpi-sync alerts test ops\` on ${hostname()}`);
  });

  it('marks the Slack message and the PagerDuty event as tests, PagerDuty at info severity under its own dedup key', async () => {
    const { receiver, cli } = await setup((req) => (req.path.startsWith('/v2') ? { status: 202, body: '{"status":"success"}' } : { status: 200, body: 'ok' }));
    expect((await cli('alerts', 'test', 'chat')).code).toBe(0);
    expect((await cli('alerts', 'test', 'pager')).code).toBe(0);

    const [slack, pager] = receiver.received.map(json);
    expect(slack!.text).toBe(`🧪 TEST: Test alert from kpi-sync on ${hostname()}`);
    expect(JSON.stringify(slack!.blocks)).toContain('no KPI changed and nothing needs doing');
    expect(pager).toMatchObject({
      routing_key: ENV.PD_KEY,
      event_action: 'trigger',
      dedup_key: expect.stringMatching(/^test:evt_test_[0-9a-f]{32}$/),
      payload: {
        severity: 'info',
        summary: `[TEST] Test alert from kpi-sync on ${hostname()}: no KPI changed, nothing to do`,
        class: 'kpi-sync-test',
        source: hostname(),
      },
    });
  });

  it('prints what failed and exits 1, and refuses an unknown destination with a suggestion', async () => {
    const { receiver, cli } = await setup(() => ({ status: 404, body: 'no such hook' }));
    const failed = await cli('alerts', 'test', 'ops');
    expect(failed.code).toBe(1);
    // Log lines (JSON) go to stderr too; the outcome is a line of its own.
    expect(failed.stderr).toMatch(/^test alert to ops failed: POST 127\.0\.0\.1:\d+ → 404 Not Found: no such hook \(event evt_test_/m);

    const unknown = await cli('alerts', 'test', 'opz');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/KS_ERR_USAGE: unknown destination "opz"; did you mean "ops"\?/);
    expect(receiver.received).toHaveLength(1);
  });
});

describe('kpi-sync alerts enable', () => {
  it('requeues the alerts that failed with 410 Gone under their event ids, and they go out on the next pass', { timeout: 60_000 }, async () => {
    let gone = true;
    const { receiver, cli, db } = await setup(() => (gone ? { status: 410, body: 'no_service' } : { status: 200 }));
    expect((await cli('run', '--once')).stdout).toMatch(/alerts: 0 delivered, 0 to retry, 1 failed/);
    expect(await cli('alerts')).toMatchObject({ stdout: expect.stringMatching(/disabled destinations \(answered 410 Gone\): ops/) });

    gone = false;
    const enabled = await cli('alerts', 'enable', 'ops');
    expect(enabled.stdout).toBe(
      'destination ops enabled; requeued 1 alert(s) that failed with 410 Gone (same event ids); held and requeued alerts go out on the next delivery pass\n',
    );
    expect((await cli('run', '--once')).stdout).toMatch(/alerts: 1 delivered/);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.headers['webhook-id']).toBe(receiver.received[0]!.headers['webhook-id']);

    // Nothing left to requeue: enabling again says so.
    expect((await cli('alerts', 'enable', 'ops')).stdout).toMatch(/^destination ops enabled; no alert had failed with 410 Gone;/);
    const store = await openSqliteStore(db);
    expect((await store.listOutbox()).map((e) => e.status)).toEqual(['delivered']);
    await store.close();
  });
});
