import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, tempDir } from '../helpers/cli.ts';
import { startPostgresServer, type PostgresServer } from '../setup/postgres-server.ts';

interface Target {
  refId: string;
  rawSql: string;
  datasource: { type: string; uid: string };
}
interface Panel {
  title: string;
  type: string;
  datasource?: { type: string; uid: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query: string;
  datasource?: { uid: string };
}
interface Dashboard {
  panels: Panel[];
  templating: { list: Variable[] };
}

const dashboard = JSON.parse(readFileSync(join(import.meta.dirname, '../../deploy/grafana/kpi-sync.dashboard.json'), 'utf8')) as Dashboard;
const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]).filter((panel) => panel.type !== 'row');
const KPIS = ['cac', 'churn_rate', 'enterprise_pipeline', 'ltv', 'ltv_cac', 'mrr', 'nps', 'open_critical_bugs', 'trial_signups'];

/**
 * What Grafana's PostgreSQL data source does to a query before it sends it: the
 * time macros become a range around now (wide enough for any dashboard range), and
 * a multi-value variable becomes a quoted, comma-separated list.
 * https://grafana.com/docs/grafana/latest/datasources/postgres/query-editor/#macros
 */
function asGrafanaSends(sql: string): string {
  const from = "now() - interval '400 days'";
  const to = "now() + interval '1 day'";
  const kpis = KPIS.map((kpi) => `'${kpi}'`).join(',');
  const expanded = sql
    .replace(/\$__timeFilter\(([^)]+)\)/g, (_, column: string) => `${column.trim()} BETWEEN ${from} AND ${to}`)
    .replace(/\$__time\(([^)]+)\)/g, (_, column: string) => `${column.trim()} AS "time"`)
    .replace(/\$__timeFrom\(\)/g, from)
    .replace(/\$__timeTo\(\)/g, to)
    .replace(/\$\{kpi(:[a-z]+)?\}|\[\[kpi\]\]|\$kpi\b/g, kpis);
  if (/\$\w|\[\[/.test(expanded)) throw new Error(`a macro or variable the test does not expand is left in:\n${expanded}`);
  return expanded;
}

/**
 * The shipped example config plus a KPI whose CSV file is missing (a failing run for
 * the "Recent failed runs" panel), synced into `url` by the real CLI: a backfill of
 * one KPI, then one run of everything, as an operator would.
 */
async function syncExamples(url: string): Promise<void> {
  const dir = tempDir('kpi-sync-grafana-');
  cpSync(join(REPO, 'config/examples'), dir, { recursive: true });
  writeFileSync(
    join(dir, 'broken.yaml'),
    `connections:
  - { id: crm_export, type: csv, path: ./exports/pipeline.csv }
kpis:
  - id: enterprise_pipeline
    name: Enterprise pipeline
    category: Growth
    interval: month
    source: { connection: crm_export, query: { date: { column: date }, value: { column: amount, aggregate: sum } } }
`,
  );
  const env = { DATABASE_URL: url };
  expect((await runCli(['backfill', '--kpi', 'mrr', '--config', dir], env)).code).toBe(0);
  const run = await runCli(['run', '--once', '--config', dir], env);
  expect(run.stdout).toMatch(/Enterprise pipeline[^\n]*failed/);
}

describe('Grafana dashboard (deploy/grafana/kpi-sync.dashboard.json)', () => {
  let server: PostgresServer;
  let db: Client;

  beforeAll(async () => {
    server = await startPostgresServer();
    const url = await server.createDatabase();
    await syncExamples(url);
    db = new Client({ connectionString: url });
    await db.connect();
  }, 600_000);

  afterAll(async () => {
    await db?.end();
    await server?.stop();
  });

  it('reads every panel from the Postgres data source chosen in the DS_POSTGRES variable', () => {
    expect(dashboard.templating.list.find((v) => v.name === 'DS_POSTGRES')).toMatchObject({ type: 'datasource', query: 'grafana-postgresql-datasource' });
    expect(panels.map((p) => p.title)).toEqual(['Latest KPI values and health', 'KPI history', 'Key Result progress', 'Recent failed runs']);
    for (const panel of panels) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of [panel, ...(panel.targets ?? [])]) expect(target.datasource?.uid, panel.title).toBe('${DS_POSTGRES}');
    }
  });

  it('offers the stored KPIs in the $kpi variable', async () => {
    const variable = dashboard.templating.list.find((v) => v.name === 'kpi')!;
    expect(variable.datasource?.uid).toBe('${DS_POSTGRES}');
    const { rows } = await db.query(asGrafanaSends(variable.query));
    expect(rows.map((row: Record<string, unknown>) => Object.values(row)[0])).toEqual(KPIS);
  });

  it.each(panels.flatMap((panel) => (panel.targets ?? []).map((target) => [`${panel.title} (${target.refId})`, target.rawSql] as const)))(
    'runs the query of "%s" against the views and gets rows',
    async (_, rawSql) => {
      const { rows } = await db.query(asGrafanaSends(rawSql));
      expect(rows.length).toBeGreaterThan(0);
    },
  );

  it('expands macros the way Grafana does, and refuses ones it does not know', () => {
    expect(asGrafanaSends('SELECT 1 WHERE $__timeFilter(period) AND kpi IN ($kpi)')).toBe(
      `SELECT 1 WHERE period BETWEEN now() - interval '400 days' AND now() + interval '1 day' AND kpi IN (${KPIS.map((k) => `'${k}'`).join(',')})`,
    );
    expect(() => asGrafanaSends('SELECT $__timeGroup(period, 1h)')).toThrow(/does not expand/);
  });
});
