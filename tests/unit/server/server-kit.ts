import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfigFolder } from '../../../src/app/app-config.ts';
import { createLogger } from '../../../src/app/logger.ts';
import { Redactor } from '../../../src/app/redactor.ts';
import { runOrder } from '../../../src/app/run-order.ts';
import type { Catalog } from '../../../src/config/catalog.ts';
import { createHttpClient } from '../../../src/sdk/http.ts';
import { createMetrics, type Metrics } from '../../../src/server/metrics.ts';
import { ReadinessProbe } from '../../../src/server/readiness.ts';
import { startServer, type RunningServer, type ServerDeps } from '../../../src/server/server.ts';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite.store.ts';
import type { Store } from '../../../src/store/store.ts';
import { runSync, type SyncEnvironment } from '../../../src/sync/run-sync.ts';
import { REPO, tempDir } from '../../helpers/cli.ts';

/** The instant every seeded sync and every dashboard render uses: the example data runs through it. */
export const NOW = new Date('2026-11-23T12:00:00.000Z');

/** A pino logger whose JSON lines are kept, for assertions on what was (not) logged. */
export function captureLogger(level = 'debug') {
  const lines: string[] = [];
  const redactor = new Redactor();
  const logger = createLogger({ redactor, level, pretty: false, destination: { write: (line: string) => lines.push(line) } });
  return { logger, lines, redactor };
}

/**
 * The shipped example config plus one KPI on a CSV connection whose file is missing
 * (a failing connection), synced into a fresh SQLite store as of NOW: every source
 * KPI backfilled, then one current run of every KPI for health and KR progress.
 */
export async function seededExample(): Promise<{ catalog: Catalog; store: Store; dir: string; db: string }> {
  const dir = tempDir('kpi-sync-server-');
  cpSync(path.join(REPO, 'config/examples'), dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'crm.yaml'),
    `connections:
  - id: crm_export
    type: csv
    path: ./exports/pipeline.csv
    # The KPI page test gives this file one bad row in four and wants the rest synced.
    quality: { maxRejectedPercent: 50 }
kpis:
  - id: enterprise_pipeline
    name: Enterprise pipeline
    category: Growth
    indicator: leading
    unit: USD
    interval: month
    timezone: Europe/Oslo
    source:
      connection: crm_export
      query:
        date: { column: date }
        value: { column: amount, aggregate: sum }
    health:
      band: { min: 100000, warnMin: 150000 }
`,
  );
  const catalog = await loadConfigFolder(dir);
  const db = path.join(tempDir('kpi-sync-db-'), 'server.db');
  const store = await openSqliteStore(db);
  const { logger } = captureLogger('fatal');
  const env: SyncEnvironment = {
    catalog,
    store,
    logger,
    now: () => NOW,
    scrub: (text) => text,
    httpFor: () => createHttpClient(),
  };
  const order = runOrder(catalog);
  for (const kpi of order) await runSync({ kpi, mode: 'backfill', to: NOW.toISOString() }, env);
  for (const kpi of order) await runSync({ kpi }, env);
  return { catalog, store, dir, db };
}

/** The probe a started process has: config loaded, store open and answering. */
export function readyProbe(store: Store): ReadinessProbe {
  const probe = new ReadinessProbe();
  probe.ready('config');
  probe.ready('store', () => store.listRuns({ limit: 1 }));
  return probe;
}

export interface TestServer extends RunningServer {
  metrics: Metrics;
  lines: string[];
}

/** Starts the server on a free loopback port over the given catalog and store. */
export async function serve(catalog: () => Catalog, store: Store, extra: Partial<ServerDeps> = {}): Promise<TestServer> {
  const { logger, lines } = captureLogger();
  const metrics = createMetrics({ getCatalog: catalog });
  const server = await startServer({
    getCatalog: catalog,
    getStore: () => store,
    logger,
    metrics,
    host: '127.0.0.1',
    port: 0,
    readiness: readyProbe(store),
    now: () => NOW,
    ...extra,
  });
  return { ...server, metrics, lines };
}
