import type { Logger } from 'pino';
import type { Catalog, LoadedKpi } from '../config/catalog.ts';
import { ConfigError, type RawValue, type SyncWindow } from '../sdk/index.ts';
import { createConnectorContext } from './connector-context.ts';
import { readFormula } from './formula-source.ts';
import type { RunDiagnostics } from './run-diagnostics.ts';
import type { PlannedDatapoints, SyncEnvironment } from './sync-environment.ts';

export interface ReadInput {
  catalog: Catalog;
  kpi: LoadedKpi;
  window: SyncWindow;
  mode: 'current' | 'backfill';
  signal: AbortSignal;
  logger: Logger;
  diagnostics: RunDiagnostics;
  env: SyncEnvironment;
  planned?: PlannedDatapoints;
}

export interface RawRead {
  raw: RawValue[];
  /** The cursor the connector set, to commit with the sync. */
  cursor?: { value: unknown };
}

/** The read step of a sync: the connector's fetch, or a formula over its inputs' stored (or planned) values. */
export async function readRaw(input: ReadInput): Promise<RawRead> {
  const { catalog, kpi, window, mode, signal, logger, diagnostics, env } = input;
  let read: RawRead;
  if (kpi.formula) {
    read = { raw: await readFormula(kpi, window, env.store, diagnostics, input.planned) };
  } else {
    const connectionId = kpi.source!.connection;
    const connection = catalog.connections.get(connectionId);
    if (!connection) throw new ConfigError(`KPI ${kpi.id} names unknown connection "${connectionId}"`);
    const run = createConnectorContext({
      kpi,
      connection: { id: connection.id, settings: connection.settings },
      window,
      mode,
      logger,
      signal,
      http: env.httpFor(connectionId),
      store: env.store,
      diagnostics,
      baseDir: connection.baseDir,
      now: () => env.now(),
    });
    const raw = await connection.connector.fetch(connection.settings, kpi.query, run.ctx);
    const cursor = run.pendingCursor();
    read = { raw, ...(cursor ? { cursor } : {}) };
  }
  diagnostics.count('rawValues', read.raw.length);
  return read;
}
