import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createConnectorRegistry } from '../../src/app/connector-registry.ts';
import { loadCatalog } from '../../src/config/load.ts';
import { createDeliverers } from '../../src/notify/deliverers.ts';
import { Dispatcher } from '../../src/notify/dispatcher.ts';
import { createHttpClient } from '../../src/sdk/http.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite.store.ts';
import type { Store } from '../../src/store/store.ts';
import { runSync, type SyncEnvironment } from '../../src/sync/run-sync.ts';
import { runCli } from '../helpers/cli.ts';
import { utcDate, writeTestConfig } from '../helpers/config-folder.ts';
import { startReceiver } from '../helpers/receiver.ts';

const SECRET = `whsec_${Buffer.from('kpi-sync alerting test secret 32b').toString('base64')}`;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function alertsYaml(url: string, extra = ''): string {
  return `alerts:
  destinations:
    - name: ops
      kind: webhook
      url: ${url}/hooks/kpi
      secret: \${HOOK_SECRET}
  routes:
    - name: everything
      destinations: [ops]
      notify: [warn, critical, resolved]${extra}
`;
}

describe('alerting end to end', () => {
  it('run --once: a breach becomes one signed webhook that the receiver verifies with the Standard Webhooks library', async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const { dir, db } = writeTestConfig();
    writeFileSync(path.join(dir, 'alerts.yaml'), alertsYaml(receiver.url));

    const result = await runCli(['run', '--once', '--config', dir, '--db', db], { HOOK_SECRET: SECRET });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/alerts: 1 delivered/);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
    expect(receiver.received).toHaveLength(1);

    const [hook] = receiver.received;
    const verified = new Webhook(SECRET).verify(hook!.body, hook!.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
    expect(hook!.path).toBe('/hooks/kpi');
    expect(verified.type).toBe('health.transition');
    expect(verified.data).toMatchObject({
      kpi: { id: 'sales_today', name: 'Sales today', category: 'Growth', unit: 'USD' },
      value: 350.5,
      band: { min: 100, warnMin: 500 },
      from: 'no_data',
      to: 'warn',
      distance: 149.5,
    });
    // A KR (daily_sales_500) already tracks this KPI, so no "take it on as a KR" nudge.
    expect(verified.data.suggestion).toBeUndefined();
    expect(() => new Webhook(SECRET).verify(hook!.body.replace('350.5', '999'), hook!.headers as Record<string, string>)).toThrow();

    // Delivered once: a second run with no new transition sends nothing.
    await runCli(['run', '--once', '--config', dir, '--db', db], { HOOK_SECRET: SECRET });
    expect(receiver.received).toHaveLength(1);
    const listed = await runCli(['alerts', '--all', '--config', dir, '--db', db], { HOOK_SECRET: SECRET });
    expect(listed.stdout).toMatch(/delivered\s*│\s*ops\s*│\s*sales_today\s*│\s*no_data → warn/);
  });

  it('a flapping value with hysteresis notifies once per real change, and the outage is retried with the same webhook-id', async () => {
    let down = true;
    const receiver = await startReceiver(() => (down ? { status: 503, headers: { 'retry-after': '0' } } : { status: 204 }));
    cleanups.push(receiver.close);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kpi-flap-'));
    const csv = path.join(dir, 'churn.csv');
    writeFileSync(
      path.join(dir, 'main.yaml'),
      `connections:
  - { id: local, type: csv, path: ./churn.csv }
kpis:
  - id: churn
    name: Churn
    category: Growth
    unit: "%"
    interval: day
    timezone: UTC
    source:
      connection: local
      query:
        date: { column: date }
        value: { column: rate, aggregate: last }
    health:
      band: { max: 7.5 }
      hysteresis: 0.5
${alertsYaml(receiver.url)}`,
    );
    const catalog = await loadCatalog(dir, { connectors: createConnectorRegistry(), env: { HOOK_SECRET: SECRET } });
    const store: Store = await openSqliteStore(path.join(dir, 'flap.db'));
    cleanups.push(() => store.close());
    let now = new Date(`${utcDate(10)}T12:00:00Z`);
    const env: SyncEnvironment = {
      catalog,
      store,
      logger: pino({ level: 'silent' }),
      httpFor: () => createHttpClient({ baseDelayMs: 1 }),
      now: () => now,
      scrub: (t) => t,
    };
    // One day at a time: over the edge, wobbling just inside it (not clear by the 0.5 margin), then clearly back.
    const values = [7.6, 7.4, 7.6, 7.2, 7.8, 7.1, 6.9, 7.2, 7.4];
    const states: string[] = [];
    for (const value of values) {
      writeFileSync(csv, `date,rate\n${now.toISOString().slice(0, 10)},${value}\n`);
      states.push((await runSync({ kpi: 'churn' }, env)).health!.state);
      now = new Date(now.getTime() + 86_400_000);
    }
    expect(states).toEqual(['critical', 'critical', 'critical', 'critical', 'critical', 'critical', 'ok', 'ok', 'ok']);

    const outbox = await store.listOutbox();
    expect(outbox).toHaveLength(2); // the breach and its resolution, nothing for the wobbles
    const dispatcher = new Dispatcher({
      store,
      deliverers: () => createDeliverers({ destinations: catalog.alerts.destinations, targets: [] }),
      logger: pino({ level: 'silent' }),
      now: () => now,
      random: () => 0,
      policy: { baseDelayMs: 1, maxAgeMs: 30 * 86_400_000 },
    });
    await dispatcher.tick();
    expect(receiver.received).toHaveLength(2); // both attempted, both 503
    down = false;
    await dispatcher.tick();
    expect(receiver.received).toHaveLength(4);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids[2]).toBe(ids[0]); // the retry keeps its id …
    // … and is signed again at send time (fresh timestamp per attempt is covered in the destination's unit tests).
    expect(() => new Webhook(SECRET).verify(receiver.received[2]!.body, receiver.received[2]!.headers as Record<string, string>)).not.toThrow();
    const events = receiver.received.slice(2).map((r) => JSON.parse(r.body) as { data: { from: string; to: string; episode: string } });
    expect(events.map((e) => `${e.data.from}→${e.data.to}`)).toEqual(['no_data→critical', 'critical→ok']);
    expect(events[0]!.data.episode).toBe(events[1]!.data.episode);
    expect((await store.listOutbox({ status: ['delivered'] })).length).toBe(2);
  });

  it('validate rejects a route naming an unknown destination, at its line', async () => {
    const { dir } = writeTestConfig();
    writeFileSync(path.join(dir, 'alerts.yaml'), alertsYaml('https://hooks.example.com').replace('destinations: [ops]', 'destinations: [opz]'));
    const result = await runCli(['validate', '--config', dir], { HOOK_SECRET: SECRET });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/alerts\.yaml:9:\d+ alerts\.routes\[0\]\.destinations\[0\]: unknown destination "opz"; did you mean "ops"\?/);
  });
});
