import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './cli.ts';

export const HOOK_SECRET = `whsec_${Buffer.from('kpi-sync crash matrix secret!!!!').toString('base64')}`;

/**
 * A config folder whose one KPI breaches its band on its first sync, so that sync
 * writes a datapoint, a health transition with its alert, KR progress and a KR push:
 * every kind of write a crash can cut. Alerts and pushes go to `receiverUrl`
 * (/hook and /push); a crashed delivery is tried again after 1 s, and in queue mode a
 * job whose worker died runs again after about 6 s (the shortest lock BullMQ allows us).
 */
export function crashConfig(receiverUrl: string, options: { queue?: boolean } = {}): { dir: string; db: string } {
  const dir = tempDir('kpi-sync-crash-');
  const today = new Date().toISOString().slice(0, 10);
  writeFileSync(path.join(dir, 'churn.csv'), `date,churn\n${today},9.5\n`);
  const year = new Date().getUTCFullYear();
  writeFileSync(
    path.join(dir, 'main.yaml'),
    `settings:
  runOnStart: true
  shutdownTimeout: 2000
  server: { enabled: false }
${options.queue ? '  queue: { lockDurationMs: 5000, stalledIntervalMs: 1000, backoffMs: 100 }\n' : ''}connections:
  - id: local
    type: csv
    path: ./churn.csv
kpis:
  - id: churn
    name: Churn
    category: Growth
    unit: "%"
    interval: day
    timezone: UTC
    schedule: "0 0 1 1 *"
    source:
      connection: local
      query:
        date: { column: date }
        value: { column: churn, aggregate: last }
    health:
      band: { max: 7.5, warnMax: 6 }
objectives:
  - id: retain
    title: Retain customers
    krs:
      - id: churn_down
        title: Churn below 5%
        kpi: churn
        direction: decrease
        start: 12
        target: 5
        startDate: ${year}-01-01
        dueDate: ${year + 1}-12-31
        push: [{ target: okr, id: kr-1 }]
alerts:
  delivery: { baseDelayMs: 100, maxDelayMs: 500, leaseMs: 1000 }
  destinations:
    - name: ops
      kind: webhook
      url: ${receiverUrl}/hook
      secret: \${HOOK_SECRET}
  routes:
    - { name: all, destinations: [ops] }
targets:
  - name: okr
    kind: http
    url: ${receiverUrl}/push
    body: { key: "{{key}}", value: "{{value}}" }
`,
  );
  return { dir, db: path.join(tempDir('kpi-sync-crash-db-'), 'crash.db') };
}
