import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './cli.ts';

/** Today's and earlier UTC dates as YYYY-MM-DD. */
export function utcDate(daysAgo = 0): string {
  return new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A small config folder for CLI tests: one CSV connection over `sales.csv`, whose
 * rows are dated today and in the past, so "the current period" has known values
 * whenever the test runs.
 */
export function writeTestConfig(extraYaml = ''): { dir: string; db: string } {
  const dir = tempDir('kpi-sync-config-');
  writeFileSync(
    path.join(dir, 'sales.csv'),
    ['date,region,amount', `${utcDate(0)},north,100`, `${utcDate(0)},south,250.5`, `${utcDate(0)},north,not-a-number`, `${utcDate(400)},north,999`, ''].join(
      '\n',
    ),
  );
  writeFileSync(
    path.join(dir, 'main.yaml'),
    `settings:
  runOnStart: true
  shutdownTimeout: 5000
connections:
  - id: local
    type: csv
    path: ./sales.csv
    # One row of three is bad on purpose (the good ones must still be stored),
    # which is past the built-in 5% gate.
    quality: { maxRejectedPercent: 50 }
kpis:
  - id: sales_today
    name: Sales today
    category: Growth
    unit: USD
    interval: day
    timezone: UTC
    source:
      connection: local
      query:
        date: { column: date }
        value: { column: amount, aggregate: sum }
    health:
      band: { min: 100, warnMin: 500 }
  - id: north_today
    name: North sales today
    category: Growth
    unit: USD
    interval: day
    timezone: UTC
    source:
      connection: local
      query:
        date: { column: date }
        value: { column: amount, aggregate: sum }
        filter:
          - { column: region, equals: north }
  - id: north_share
    name: North share
    category: Growth
    interval: day
    timezone: UTC
    formula: north_today / sales_today
    normalize: { round: 3 }
objectives:
  - id: grow
    title: Grow sales
    krs:
      - id: daily_sales_500
        title: Daily sales to 500
        kpi: sales_today
        direction: increase
        start: 0
        target: 500
        startDate: ${utcDate(30)}
        dueDate: ${utcDate(-30)}
${extraYaml}`,
  );
  return { dir, db: path.join(tempDir('kpi-sync-db-'), 'test.db') };
}
