import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Catalog, LoadedKpi } from '../config/catalog.ts';
import { normalize } from '../domain/normalize.ts';
import { currentWindow, periodEnd, periodStart } from '../domain/periods.ts';
import type { Datapoint, HealthRecord, HealthTransition, KrProgress } from '../domain/types.ts';
import { KsError, toKsError, type HttpClient, type RawValue, type SyncWindow } from '../sdk/index.ts';
import type { Store, SyncRun } from '../store/store.ts';
import { createConnectorContext } from './connector-context.ts';
import { applyHealth } from './health-step.ts';
import { applyProgress } from './progress-step.ts';
import { readFormula } from './formula-source.ts';
import { RunDiagnostics } from './run-diagnostics.ts';

/** What runSync needs from the process around it. */
export interface SyncEnvironment {
  catalog: Catalog;
  store: Store;
  logger: Logger;
  /** One client per connection, so rate-limit state carries across runs. */
  httpFor(connectionId: string): HttpClient;
  now(): Date;
  /** Removes secrets from text that is about to be stored (error messages). */
  scrub(text: string): string;
  /** Told about every finished run (metrics, dashboards). Must not throw. */
  observe?(result: SyncResult, kpi: LoadedKpi): void;
}

export interface SyncRequest {
  kpi: string;
  mode?: 'current' | 'backfill';
  /** Backfill bounds (ISO date or instant); default: everything up to now. */
  from?: string;
  to?: string;
  signal?: AbortSignal;
}

export interface SyncResult {
  run: SyncRun;
  datapoints: Datapoint[];
  health?: HealthRecord;
  transition?: HealthTransition;
  /** Alerts queued in the outbox by this run. */
  alerts?: number;
  /** KR pushes queued in the outbox by this run (held ones included). */
  pushes?: number;
  progress: KrProgress[];
  /**
   * Why a failed or deferred run stopped, as the typed error itself: the run record
   * keeps only its code and scrubbed message, but a queue worker deciding on a retry
   * needs `retryable` and a rate limit's Retry-After. Never stored or logged as is.
   */
  error?: KsError;
}

const EARLIEST = '1970-01-01T00:00:00.000Z';


function windowFor(kpi: LoadedKpi, request: SyncRequest, now: Date): SyncWindow {
  const base = { timeZone: kpi.timezone, interval: kpi.interval };
  if ((request.mode ?? 'current') === 'current') return { ...currentWindow(now, kpi.interval, kpi.timezone), ...base };
  const start = periodStart(request.from ?? EARLIEST, kpi.interval, kpi.timezone);
  const lastPeriod = periodStart(request.to ?? now, kpi.interval, kpi.timezone);
  return { start, end: periodEnd(lastPeriod, kpi.interval, kpi.timezone), ...base };
}

/**
 * The one place that wires connector → domain → store: read raw values for the
 * KPI's window, normalize them into datapoints, store them idempotently, evaluate
 * health on the current period, and update the progress of every KR on this KPI.
 * Every run leaves a sync-run record, whatever happens.
 */
export async function runSync(request: SyncRequest, env: SyncEnvironment): Promise<SyncResult> {
  const kpi = env.catalog.kpis.get(request.kpi);
  if (!kpi) throw new KsError('KS_ERR_CONFIG', `unknown KPI "${request.kpi}"`);
  const mode = request.mode ?? 'current';
  const started = env.now();
  const source = kpi.source?.connection ?? 'formula';
  const run: SyncRun = { id: randomUUID(), kpi: kpi.id, source, mode, status: 'running', startedAt: started.toISOString() };
  const logger = env.logger.child({ kpi: kpi.id, connection: source, run: run.id });
  const diagnostics = new RunDiagnostics();
  const window = windowFor(kpi, request, started);
  const result: SyncResult = { run, datapoints: [], progress: [] };
  await env.store.saveRun(run);

  try {
    const raw = await readRaw(kpi, window, mode, request.signal ?? new AbortController().signal, logger, diagnostics, env);
    const { datapoints, dropped } = normalize({
      kpi: kpi.id,
      source,
      observedAt: started.toISOString(),
      interval: kpi.interval,
      timeZone: kpi.timezone,
      defaultPeriod: window.start,
      ...(kpi.normalize ? { spec: kpi.normalize } : {}),
      raw,
    });
    for (const drop of dropped) diagnostics.reject(`value #${drop.index + 1}`, drop.reason);

    const startMs = Date.parse(window.start);
    const endMs = Date.parse(window.end);
    // Only the window's periods are written; a connector that returns more is trimmed here.
    result.datapoints = datapoints.filter((p) => {
      const ms = Date.parse(p.period);
      return ms >= startMs && ms < endMs;
    });
    await env.store.upsertDatapoints(result.datapoints, mode === 'current' ? { closedBefore: window.start } : { rewriteClosed: true });

    const current = mode === 'current' ? result.datapoints.at(-1) : undefined;
    const health = current ? await applyHealth(env, kpi, current, started) : undefined;
    if (health) {
      result.health = health.record;
      result.alerts = health.alerts.length;
      if (health.transition) {
        result.transition = health.transition;
        const { from, to } = health.transition;
        // Recoveries and first readings are news, not warnings.
        const level = to === 'ok' ? 'info' : 'warn';
        logger[level]({ from, to, value: current!.value }, `health ${from} → ${to}`);
      }
    }
    const progress = await applyProgress(env, kpi, run.id, started);
    result.progress = progress.progress;
    result.pushes = progress.pushes;

    run.status = result.datapoints.length === 0 && diagnostics.rejected > 0 && kpi.formula ? 'failed' : 'ok';
    if (run.status === 'failed') {
      run.error = { code: 'KS_ERR_FORMULA', message: env.scrub(diagnostics.rejects.map((r) => `${r.where}: ${r.reason}`).join('; ')) };
    }
  } catch (error) {
    const ks = toKsError(error);
    result.error = ks;
    run.status = ks.code === 'KS_ERR_BUDGET' ? 'deferred' : 'failed';
    run.error = { code: ks.code, message: env.scrub(ks.message) };
    logger.error({ code: ks.code, retryable: ks.retryable }, `sync failed: ${env.scrub(ks.message)}`);
  } finally {
    const finished = env.now();
    Object.assign(run, diagnostics.toRunFields(), {
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
      rawValues: diagnostics.counters.rawValues ?? 0,
      datapoints: result.datapoints.length,
    });
    await env.store.saveRun(run);
    try {
      env.observe?.(result, kpi);
    } catch (err) {
      logger.warn({ err }, 'sync observer failed');
    }
  }
  return result;
}

async function readRaw(
  kpi: LoadedKpi,
  window: SyncWindow,
  mode: 'current' | 'backfill',
  signal: AbortSignal,
  logger: Logger,
  diagnostics: RunDiagnostics,
  env: SyncEnvironment,
): Promise<RawValue[]> {
  let raw: RawValue[];
  if (kpi.formula) {
    raw = await readFormula(kpi, window, env.store, diagnostics);
  } else {
    const connectionId = kpi.source!.connection;
    const connection = env.catalog.connections.get(connectionId);
    if (!connection) throw new KsError('KS_ERR_CONFIG', `KPI ${kpi.id} names unknown connection "${connectionId}"`);
    const ctx = createConnectorContext({
      kpi,
      window,
      mode,
      logger,
      signal,
      http: env.httpFor(connectionId),
      store: env.store,
      diagnostics,
      baseDir: connection.baseDir,
    });
    raw = await connection.connector.fetch(connection.settings, kpi.query, ctx);
  }
  diagnostics.count('rawValues', raw.length);
  return raw;
}
