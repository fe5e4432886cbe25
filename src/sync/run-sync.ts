import { randomUUID } from 'node:crypto';
import type { LoadedKpi } from '../config/catalog.ts';
import { normalize } from '../domain/normalize.ts';
import { qualityVerdict, type ReadCounts } from '../domain/quality.ts';
import { currentWindow, periodEnd, periodStart, previousPeriod } from '../domain/periods.ts';
import type { Datapoint } from '../domain/types.ts';
import { KsError, toKsError, type SyncWindow } from '../sdk/index.ts';
import type { BackfillProgress, SyncRun } from '../store/store.ts';
import { abortedError, isAbort } from './aborted.ts';
import { faultPoint } from './fault-point.ts';
import { planRefusal, planSync, syncStateQuery } from './plan/sync-plan.ts';
import { readRaw } from './read-raw.ts';
import type { PlannedDatapoints } from './sync-environment.ts';
import { RunDiagnostics } from './run-diagnostics.ts';
import type { SyncResult } from './sync-result.ts';
import { unknownId } from '../config/suggest.ts';

export type { SyncResult } from './sync-result.ts';
export type { SyncEnvironment } from './sync-environment.ts';
import type { SyncEnvironment } from './sync-environment.ts';

export interface SyncRequest {
  kpi: string;
  mode?: 'current' | 'backfill';
  /** Backfill bounds (ISO date or instant); default: everything up to now. */
  from?: string;
  to?: string;
  signal?: AbortSignal;
  /** A per-period backfill's progress, committed with the period's data. */
  backfill?: BackfillProgress;
  /** `kpi-sync plan`: datapoints earlier plans in the same dry run would write (a formula reads its inputs' planned values). */
  planned?: PlannedDatapoints;
}

const EARLIEST = '1970-01-01T00:00:00.000Z';

/**
 * A regular sync reads the current period; a KPI judged on its last closed period also
 * reads that one again, so data that arrived after the period ended (a deal closed at
 * 23:59 on the 31st, synced on the 1st) is in the number health and KR progress judge.
 */
function windowFor(kpi: LoadedKpi, request: SyncRequest, now: Date): SyncWindow {
  const base = { timeZone: kpi.timezone, interval: kpi.interval };
  if ((request.mode ?? 'current') === 'current') {
    const current = currentWindow(now, kpi.interval, kpi.timezone);
    const start = kpi.evaluation.period === 'closed' ? previousPeriod(current.start, kpi.interval, kpi.timezone) : current.start;
    return { ...current, start, ...base };
  }
  const start = periodStart(request.from ?? EARLIEST, kpi.interval, kpi.timezone);
  const lastPeriod = periodStart(request.to ?? now, kpi.interval, kpi.timezone);
  return { start, end: periodEnd(lastPeriod, kpi.interval, kpi.timezone), ...base };
}

/**
 * One sync, decided but not written: reads the raw values (connector or formula),
 * normalizes them, reads the KPI's stored state in one call and plans everything the
 * sync would write. Writes nothing; `kpi-sync plan` stops here, runSync commits.
 */
export async function planSyncRun(request: SyncRequest, env: SyncEnvironment): Promise<SyncResult> {
  const { catalog } = env;
  const kpi = catalog.kpis.get(request.kpi);
  if (!kpi) throw unknownId('KPI', request.kpi, catalog.kpis.keys());
  const mode = request.mode ?? 'current';
  const started = env.now();
  const source = kpi.source?.connection ?? 'formula';
  const run: SyncRun = { id: randomUUID(), kpi: kpi.id, source, mode, status: 'running', startedAt: started.toISOString() };
  const logger = env.logger.child({ kpi: kpi.id, connection: source, run: run.id });
  const diagnostics = new RunDiagnostics();
  const window = windowFor(kpi, request, started);
  const signal = request.signal ?? new AbortController().signal;
  const result: SyncResult = { run, datapoints: [], progress: [], logger };
  const finish = () => {
    const finished = env.now();
    Object.assign(run, diagnostics.toRunFields(), {
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
      rawValues: diagnostics.counters.rawValues ?? 0,
      datapoints: result.datapoints.length,
    });
  };
  try {
    const read = await readRaw({ catalog, kpi, window, mode, signal, logger, diagnostics, env, ...(request.planned ? { planned: request.planned } : {}) });
    await faultPoint('sync.after-read');
    const { datapoints, dropped } = normalize({
      kpi: kpi.id,
      source,
      observedAt: started.toISOString(),
      interval: kpi.interval,
      timeZone: kpi.timezone,
      defaultPeriod: window.start,
      ...(kpi.normalize ? { spec: kpi.normalize } : {}),
      raw: read.raw,
    });
    for (const drop of dropped) diagnostics.reject(`value #${drop.index + 1}`, drop.reason);
    result.datapoints = inWindow(datapoints, window);
    const verdict = kpi.gate && !kpi.formula ? qualityVerdict(kpi.gate, readCounts(diagnostics, read.raw.length)) : { pass: true as const };
    const state = await env.store.readSyncState(syncStateQuery(catalog, kpi));
    if (signal.aborted) throw abortedError(signal);
    if (!verdict.pass) {
      refuse(result, diagnostics, verdict.reason, env);
      finish();
      result.plan = planRefusal({ catalog, kpi, state, run, now: started, period: judgedPeriodOf(kpi, window, started), reason: run.error!.message });
      return result;
    }
    run.status = 'ok';
    if (mode === 'current') result.judgedPeriod = judgedPeriodOf(kpi, window, started);
    if (result.datapoints.length === 0 && diagnostics.rejected > 0 && kpi.formula) {
      // Still planned and committed: the formula's health turns no_data with the failed run.
      result.error = new KsError('KS_ERR_FORMULA', diagnostics.rejects.map((r) => `${r.where}: ${r.reason}`).join('; '));
      run.status = 'failed';
      run.error = { code: result.error.code, message: env.scrub(result.error.message) };
    }
    finish();
    result.plan = planSync({
      catalog,
      kpi,
      mode,
      datapoints: result.datapoints,
      state,
      run,
      now: started,
      windowStart: window.start,
      evaluatedPeriod: judgedPeriodOf(kpi, window, started),
      ...(read.cursor ? { cursor: read.cursor } : {}),
      ...(request.backfill ? { backfill: { progress: request.backfill } } : {}),
    });
    Object.assign(result, summaryOf(result.plan));
  } catch (error) {
    const ks = isAbort(error, signal) ? abortedError(signal) : toKsError(error);
    result.error = ks;
    run.status = ks.code === 'KS_ERR_ABORTED' ? 'aborted' : ks.code === 'KS_ERR_BUDGET' ? 'deferred' : 'failed';
    run.error = { code: ks.code, message: env.scrub(ks.message) };
    finish();
  }
  return result;
}

/**
 * What the run used and rejected, as its connector counted them (rows for a file,
 * values for an API). The share is of the rows in scope (used or rejected), never
 * of the whole file: ten years of good history must not hide a month read wrong.
 */
function readCounts(diagnostics: RunDiagnostics, rawValues: number): ReadCounts {
  const { counters, rejected } = diagnostics;
  const used = counters.rowsMatched ?? rawValues;
  return { read: used + rejected, used, rejected };
}

/** A run its data quality gate refused: it stores nothing, and says why, with the first rejected lines and the connector's hints. */
function refuse(result: SyncResult, diagnostics: RunDiagnostics, reason: string, env: SyncEnvironment): void {
  const first = diagnostics.rejects.slice(0, 3).map((r) => `${typeof r.where === 'number' ? `line ${r.where}` : r.where}: ${r.reason}`);
  const message = [`data quality gate: ${reason}`, ...(first.length ? [`first rejected: ${first.join('; ')}`] : []), ...diagnostics.hints].join('; ');
  result.error = new KsError('KS_ERR_QUALITY', message);
  result.datapoints = [];
  result.run.status = 'failed';
  result.run.error = { code: 'KS_ERR_QUALITY', message: env.scrub(message) };
}

/** The closed period is a regular sync's first; the current one its last. */
function judgedPeriodOf(kpi: LoadedKpi, window: SyncWindow, now: Date): string {
  return kpi.evaluation.period === 'closed' ? window.start : periodStart(now, kpi.interval, kpi.timezone);
}

function inWindow(points: Datapoint[], window: SyncWindow): Datapoint[] {
  const startMs = Date.parse(window.start);
  const endMs = Date.parse(window.end);
  // Only the window's periods are written; a connector that returns more is trimmed here.
  return points.filter((p) => {
    const ms = Date.parse(p.period);
    return ms >= startMs && ms < endMs;
  });
}

function summaryOf(plan: NonNullable<SyncResult['plan']>): Partial<SyncResult> {
  return {
    progress: plan.progress,
    alerts: plan.alerts.length,
    pushes: plan.pushes.length,
    ...(plan.health ? { health: plan.health } : {}),
    ...(plan.transition ? { transition: plan.transition } : {}),
  };
}

/**
 * The one place that wires connector → domain → store: plans the sync (planSyncRun)
 * and writes all of it in one commit. A failed, deferred or aborted run writes only
 * its run record, also one write. Nothing is written before the read succeeds, and
 * nothing after the commit but delivery.
 */
export async function runSync(request: SyncRequest, env: SyncEnvironment): Promise<SyncResult> {
  const result = await planSyncRun(request, env);
  const { run, logger } = result;
  try {
    if (result.plan) {
      await faultPoint('sync.before-commit');
      await env.store.commitSync(result.plan.commit);
      await faultPoint('sync.after-commit');
      logPlan(result, 'queued');
      logFailure(result);
    } else {
      await env.store.saveRun(run);
      logFailure(result);
    }
  } catch (error) {
    // The store refused the commit: nothing of this sync was written. Say so, and let
    // the caller (a queue worker) retry when the store's error is retryable.
    const ks = toKsError(error);
    logger.error({ code: ks.code, retryable: ks.retryable }, `sync could not be committed: ${env.scrub(ks.message)}`);
    throw ks;
  }
  const kpi = env.catalog.kpis.get(run.kpi);
  try {
    if (kpi) env.observe?.(result, kpi);
  } catch (err) {
    logger.warn({ err }, 'sync observer failed');
  }
  return result;
}

/** The log lines of a planned sync; `verb` is "queued" after a commit and "would queue" in a dry run. */
export function logPlan(result: SyncResult, verb: 'queued' | 'would queue'): void {
  const { plan, logger } = result;
  if (!plan) return;
  if (plan.transition) {
    const { from, to, value } = plan.transition;
    // Recoveries and first readings are news, not warnings.
    logger[to === 'ok' ? 'info' : 'warn']({ from, to, value }, `health ${from} → ${to}`);
  }
  for (const { entry, reason } of plan.held) logger.warn({ push: entry.id, target: entry.destination }, `KR push held: ${reason}`);
  if (plan.alerts.length > 0) logger.info({ alerts: plan.alerts.map((a) => a.destination) }, `${verb} ${plan.alerts.length} alert(s)`);
}

function logFailure(result: SyncResult): void {
  const { run, error, logger } = result;
  if (!error) return;
  const level = run.status === 'aborted' || run.status === 'deferred' ? 'warn' : 'error';
  logger[level]({ code: error.code, retryable: error.retryable }, `sync ${run.status}: ${run.error?.message ?? error.message}`);
}
