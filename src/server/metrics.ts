import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { PACKAGE_VERSION } from '../app/package-info.ts';
import type { Catalog, LoadedKpi } from '../config/catalog.ts';
import type { HealthState } from '../domain/types.ts';
import type { OutboxEntry, OutboxStatus, Store } from '../store/store.ts';
import type { SyncResult } from '../sync/run-sync.ts';
import { freshnessGauges } from './freshness-metrics.ts';

/** What the SDK's HttpClient reports once per attempt (HttpClientOptions.onAttempt). */
export interface HttpAttemptEvent {
  label: string;
  status?: number;
  durationMs: number;
  error?: string;
  waitedMs?: number;
}

/** What a dispatcher pass reports (the Dispatcher's TickSummary). */
export interface DeliverySummary {
  delivered: number;
  retried: number;
  failed: number;
  dead: number;
  held: number;
  silenced: number;
}

/**
 * `kpi_health` as a number Grafana can threshold and map: higher is worse, and
 * `no_data` (the KPI stopped syncing) sits above critical so it is never mistaken
 * for healthy.
 */
export const HEALTH_VALUE: Record<HealthState, number> = { ok: 0, warn: 1, critical: 2, no_data: 3 };
const HEALTH_STATES = Object.keys(HEALTH_VALUE) as HealthState[];

/** Statuses counted for the outbox gauge; `delivered` grows without bound and is counted by `kpi_sync_outbox_deliveries_total`. */
const OUTBOX_GAUGED: OutboxStatus[] = ['pending', 'failed', 'dead'];

export interface Metrics {
  /** A registry of its own: tests and several servers in one process never share series. */
  registry: Registry;
  /** Pass as SyncEnvironment.observe. */
  observeSync(result: SyncResult, kpi: LoadedKpi): void;
  /** Pass as HttpClientOptions.onAttempt for the client of `connectionId`. */
  onHttpAttempt(connectionId: string): (event: HttpAttemptEvent) => void;
  /** Counts the outcome of one dispatcher pass. */
  observeDeliveries(summary: DeliverySummary): void;
  /** Latest value, health, KR progress, last success and connection state from the store; called on every scrape. */
  refreshBusinessGauges(catalog: Catalog, store: Store): Promise<void>;
  /** Outbox depth by channel and status; called on every scrape. */
  refreshOutboxGauges(store: Store): Promise<void>;
}

export interface MetricsOptions {
  /** The catalog in force, to label sync runs with their connector type; without it the label is "unknown". */
  getCatalog?: () => Catalog;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kpi_sync_' });
  const registers = [registry];

  const syncRuns = new Counter({
    name: 'kpi_sync_sync_runs_total',
    help: 'Sync runs by KPI, connection, connector type and outcome (ok, failed, deferred).',
    labelNames: ['kpi', 'connection', 'connector', 'outcome'] as const,
    registers,
  });
  const syncDuration = new Histogram({
    name: 'kpi_sync_sync_duration_seconds',
    help: 'Wall time of one sync run, from the first read to the last store write.',
    labelNames: ['kpi', 'connector'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers,
  });
  const rowsRejected = new Counter({
    name: 'kpi_sync_rows_rejected_total',
    help: 'Source rows or values a sync could not use (unparseable number or date, formula without inputs).',
    labelNames: ['kpi'] as const,
    registers,
  });
  const datapointsWritten = new Counter({
    name: 'kpi_sync_datapoints_total',
    help: 'Datapoints produced by sync runs.',
    labelNames: ['kpi'] as const,
    registers,
  });
  const apiCalls = new Counter({
    name: 'kpi_sync_source_api_calls_total',
    help: 'HTTP attempts to a source API by connection and status code ("error" when no response arrived).',
    labelNames: ['connection', 'status'] as const,
    registers,
  });
  const apiDuration = new Histogram({
    name: 'kpi_sync_source_api_call_duration_seconds',
    help: 'Duration of one HTTP attempt to a source API.',
    labelNames: ['connection'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const rateLimitWaits = new Counter({
    name: 'kpi_sync_rate_limit_waits_total',
    help: "Times a request waited for a source's rate limit (Retry-After or a spent budget) before it was sent.",
    labelNames: ['connection'] as const,
    registers,
  });
  const rateLimitWaitSeconds = new Counter({
    name: 'kpi_sync_rate_limit_wait_seconds_total',
    help: "Time spent waiting for sources' rate limits.",
    labelNames: ['connection'] as const,
    registers,
  });
  const outbox = new Gauge({
    name: 'kpi_sync_outbox_entries',
    help: 'Outbox entries not delivered, by channel (alert, push) and status (pending, failed, dead).',
    labelNames: ['channel', 'status'] as const,
    registers,
  });
  const deliveries = new Counter({
    name: 'kpi_sync_outbox_deliveries_total',
    help: 'Outbox delivery attempts by outcome (delivered, retried, failed, dead, held, silenced).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const kpiValue = new Gauge({
    name: 'kpi_value',
    help: 'Latest value of each KPI (its most recent period).',
    labelNames: ['kpi', 'category', 'unit'] as const,
    registers,
  });
  const kpiHealth = new Gauge({
    name: 'kpi_health',
    help: 'Health of each KPI: 0 ok, 1 warn, 2 critical, 3 no_data.',
    labelNames: ['kpi'] as const,
    registers,
  });
  const kpiHealthState = new Gauge({
    name: 'kpi_health_state',
    help: 'Health of each KPI as a state set: one series per state (ok, warn, critical, no_data), 1 for the current state and 0 for the others.',
    labelNames: ['kpi', 'state'] as const,
    registers,
  });
  const buildInfo = new Gauge({
    name: 'kpi_sync_build_info',
    help: 'Always 1; the labels say which kpi-sync version runs on which Node.js.',
    labelNames: ['version', 'node'] as const,
    registers,
  });
  buildInfo.set({ version: PACKAGE_VERSION, node: process.version }, 1);
  const freshness = freshnessGauges(registers);
  const krProgressGauge = new Gauge({
    name: 'kr_progress',
    help: 'Progress of each Key Result, 0..1.',
    labelNames: ['objective', 'kr'] as const,
    registers,
  });
  const krExpected = new Gauge({
    name: 'kr_expected_progress',
    help: 'Where each Key Result should be today on a straight line to its due date, 0..1.',
    labelNames: ['objective', 'kr'] as const,
    registers,
  });

  return {
    registry,
    observeSync(result, kpi) {
      const { run } = result;
      const connection = run.source;
      const connector = kpi.formula ? 'formula' : (options.getCatalog?.().connections.get(connection)?.type ?? 'unknown');
      syncRuns.inc({ kpi: kpi.id, connection, connector, outcome: run.status });
      if (run.durationMs !== undefined) syncDuration.observe({ kpi: kpi.id, connector }, run.durationMs / 1000);
      if (run.rejected) rowsRejected.inc({ kpi: kpi.id }, run.rejected);
      datapointsWritten.inc({ kpi: kpi.id }, result.datapoints.length);
    },
    onHttpAttempt(connection) {
      return (event) => {
        apiCalls.inc({ connection, status: event.status === undefined ? 'error' : String(event.status) });
        apiDuration.observe({ connection }, event.durationMs / 1000);
        if (event.waitedMs && event.waitedMs > 0) {
          rateLimitWaits.inc({ connection });
          rateLimitWaitSeconds.inc({ connection }, event.waitedMs / 1000);
        }
      };
    },
    observeDeliveries(summary) {
      for (const outcome of ['delivered', 'retried', 'failed', 'dead', 'held', 'silenced'] as const) {
        if (summary[outcome] > 0) deliveries.inc({ outcome }, summary[outcome]);
      }
    },
    async refreshBusinessGauges(catalog, store) {
      // Read everything first and swap in one synchronous step, so two scrapes at once
      // never see a half-filled set; the reset drops KPIs removed from the config.
      const values: [Record<'kpi' | 'category' | 'unit', string>, number][] = [];
      const healths: [string, number][] = [];
      const krs: [Record<'objective' | 'kr', string>, number, number][] = [];
      for (const kpi of catalog.kpis.values()) {
        const latest = await store.latestDatapoint(kpi.id);
        if (latest) values.push([{ kpi: kpi.id, category: kpi.category, unit: kpi.unit ?? '' }, latest.value]);
        const health = await store.getHealth(kpi.id);
        if (health) healths.push([kpi.id, HEALTH_VALUE[health.state]]);
      }
      for (const { kr, objective } of catalog.krs.values()) {
        const progress = await store.latestProgress(kr.id);
        if (progress) krs.push([{ objective: objective.id, kr: kr.id }, progress.progress, progress.expected]);
      }
      const applyFreshness = await freshness.read(catalog, store);
      applyFreshness();
      kpiValue.reset();
      kpiHealth.reset();
      kpiHealthState.reset();
      krProgressGauge.reset();
      krExpected.reset();
      for (const [labels, value] of values) kpiValue.set(labels, value);
      for (const [kpi, value] of healths) {
        kpiHealth.set({ kpi }, value);
        for (const state of HEALTH_STATES) kpiHealthState.set({ kpi, state }, HEALTH_VALUE[state] === value ? 1 : 0);
      }
      for (const [labels, progress, expected] of krs) {
        krProgressGauge.set(labels, progress);
        krExpected.set(labels, expected);
      }
    },
    async refreshOutboxGauges(store) {
      const counts: [OutboxStatus, OutboxEntry['channel'], number][] = [];
      for (const status of OUTBOX_GAUGED) {
        const entries = await store.listOutbox({ status: [status] });
        for (const channel of ['alert', 'push'] as const) counts.push([status, channel, count(entries, channel)]);
      }
      outbox.reset();
      for (const [status, channel, n] of counts) outbox.set({ channel, status }, n);
    },
  };
}

function count(entries: OutboxEntry[], channel: OutboxEntry['channel']): number {
  let n = 0;
  for (const entry of entries) if (entry.channel === channel) n += 1;
  return n;
}
