import { pino } from 'pino';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_VERSION } from '../../../src/app/package-info.ts';
import type { Catalog, LoadedKpi } from '../../../src/config/catalog.ts';
import { createMetrics } from '../../../src/server/metrics.ts';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite.store.ts';
import type { SyncResult } from '../../../src/sync/run-sync.ts';
import { tempDir } from '../../helpers/cli.ts';
import { dp, health, outboxEntry, progress, run } from '../../store/contract-data.ts';

const kpi = (id: string, extra: Partial<LoadedKpi> = {}) =>
  ({
    id,
    name: id,
    category: 'Growth',
    unit: 'USD',
    interval: 'month',
    timezone: 'UTC',
    file: 'k.yaml',
    source: { connection: 'crm', query: {} },
    ...extra,
  }) as LoadedKpi;

function catalogOf(kpis: LoadedKpi[]): Catalog {
  return {
    kpis: new Map(kpis.map((k) => [k.id, k])),
    connections: new Map([['crm', { id: 'crm', type: 'salesforce' }]]),
    krs: new Map([['grow', { kr: { id: 'grow', kpi: 'mrr' }, objective: { id: 'growth' } }]]),
  } as unknown as Catalog;
}

const result = (id: string, extra: Partial<SyncResult['run']> = {}, datapoints = 1): SyncResult => ({
  run: run('r', id, '2026-11-01T00:00:00.000Z', { status: 'ok', durationMs: 1500, source: 'crm', ...extra }),
  datapoints: Array.from({ length: datapoints }, (_, i) => dp(id, `2026-0${i + 1}-01T00:00:00.000Z`, i)),
  progress: [],
  logger: pino({ enabled: false }),
});

describe('metrics', () => {
  it('counts sync runs by KPI, connection, connector type and outcome, with durations and rejected rows', async () => {
    const catalog = catalogOf([kpi('mrr'), kpi('ratio', { source: undefined, formula: 'mrr / 2' } as Partial<LoadedKpi>)]);
    const metrics = createMetrics({ getCatalog: () => catalog });
    metrics.observeSync(result('mrr'), catalog.kpis.get('mrr')!);
    metrics.observeSync(result('mrr', { status: 'failed', rejected: 3 }, 0), catalog.kpis.get('mrr')!);
    metrics.observeSync(result('ratio', { source: 'formula' }), catalog.kpis.get('ratio')!);
    const text = await metrics.registry.metrics();
    expect(text).toContain('kpi_sync_sync_runs_total{kpi="mrr",connection="crm",connector="salesforce",outcome="ok"} 1');
    expect(text).toContain('kpi_sync_sync_runs_total{kpi="mrr",connection="crm",connector="salesforce",outcome="failed"} 1');
    expect(text).toContain('kpi_sync_sync_runs_total{kpi="ratio",connection="formula",connector="formula",outcome="ok"} 1');
    expect(text).toContain('kpi_sync_sync_duration_seconds_bucket{le="2.5",kpi="mrr",connector="salesforce"} 2');
    expect(text).toContain('kpi_sync_rows_rejected_total{kpi="mrr"} 3');
    expect(text).toContain('kpi_sync_datapoints_total{kpi="mrr"} 1');
  });

  it('counts API attempts by status, and rate-limit waits', async () => {
    const metrics = createMetrics();
    const attempt = metrics.onHttpAttempt('jira');
    attempt({ label: 'a', status: 200, durationMs: 80 });
    attempt({ label: 'a', durationMs: 30_000, error: 'timeout' });
    attempt({ label: 'a', status: 200, durationMs: 90, waitedMs: 2500 });
    metrics.observeDeliveries({ delivered: 2, retried: 1, failed: 0, dead: 0, held: 0, silenced: 3 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('kpi_sync_source_api_calls_total{connection="jira",status="200"} 2');
    expect(text).toContain('kpi_sync_source_api_calls_total{connection="jira",status="error"} 1');
    expect(text).toContain('kpi_sync_rate_limit_waits_total{connection="jira"} 1');
    expect(text).toContain('kpi_sync_rate_limit_wait_seconds_total{connection="jira"} 2.5');
    expect(text).toContain('kpi_sync_outbox_deliveries_total{outcome="delivered"} 2');
    expect(text).not.toContain('kpi_sync_outbox_deliveries_total{outcome="failed"}');
    expect(text).toContain('kpi_sync_outbox_deliveries_total{outcome="silenced"} 3');
  });

  it('reads the business gauges from the store on each refresh and drops KPIs no longer configured', async () => {
    const store = await openSqliteStore(path.join(tempDir(), 'metrics.db'));
    await store.upsertDatapoints([
      dp('mrr', '2026-10-01T00:00:00.000Z', 41000),
      dp('mrr', '2026-11-01T00:00:00.000Z', 42000),
      dp('arr', '2026-11-01T00:00:00.000Z', 500000),
    ]);
    await store.commitSync({
      kpi: 'mrr',
      health: { record: health('critical', '2026-11-02T00:00:00.000Z') },
      progress: [progress('grow', 42000, 0.4, 'at_risk', '2026-11-02T00:00:00.000Z')],
    });
    await store.enqueueOutbox([
      outboxEntry('a', '2026-11-02T00:00:00.000Z'),
      outboxEntry('b', '2026-11-02T00:00:01.000Z'),
      outboxEntry('c', '2026-11-02T00:00:02.000Z', { channel: 'push', status: 'dead' }),
    ]);
    const metrics = createMetrics();
    await metrics.refreshBusinessGauges(catalogOf([kpi('mrr'), kpi('arr')]), store);
    await metrics.refreshOutboxGauges(store);
    let text = await metrics.registry.metrics();
    expect(text).toContain('kpi_value{kpi="mrr",category="Growth",unit="USD"} 42000');
    expect(text).toContain('kpi_value{kpi="arr",category="Growth",unit="USD"} 500000');
    expect(text).toContain('kpi_health{kpi="mrr"} 2');
    // The state set: one series per state, 1 for the current one.
    expect(text).toContain('kpi_health_state{kpi="mrr",state="critical"} 1');
    for (const state of ['ok', 'warn', 'no_data']) expect(text).toContain(`kpi_health_state{kpi="mrr",state="${state}"} 0`);
    expect(text).not.toContain('kpi_health_state{kpi="arr"');
    expect(text).toContain('kr_progress{objective="growth",kr="grow"} 0.4');
    expect(text).toContain('kpi_sync_outbox_entries{channel="alert",status="pending"} 2');
    expect(text).toContain('kpi_sync_outbox_entries{channel="push",status="dead"} 1');

    await metrics.refreshBusinessGauges(catalogOf([kpi('mrr')]), store);
    text = await metrics.registry.metrics();
    expect(text).not.toContain('kpi="arr"');
    await store.close();
  });

  it("reports when each KPI last synced, its staleness window, and whether each connection's latest runs succeed", async () => {
    const store = await openSqliteStore(path.join(tempDir(), 'freshness.db'));
    const catalog = {
      ...catalogOf([
        kpi('mrr'),
        kpi('arr', { health: { staleAfter: '90m' } } as Partial<LoadedKpi>),
        kpi('churn', { source: { connection: 'erp', query: {} } }),
        kpi('ratio', { source: undefined, formula: 'mrr / 2' } as Partial<LoadedKpi>),
      ]),
      connections: new Map([
        ['crm', { id: 'crm', type: 'salesforce' }],
        ['erp', { id: 'erp', type: 'http' }],
        ['idle', { id: 'idle', type: 'jira' }],
      ]),
    } as unknown as Catalog;
    const finished = (id: string, kpiId: string, source: string, status: 'ok' | 'failed' | 'aborted', at: string) =>
      run(id, kpiId, at, { status, source, finishedAt: at });
    await store.saveRun(finished('m1', 'mrr', 'crm', 'ok', '2026-11-01T10:00:00.000Z'));
    await store.saveRun(finished('m2', 'mrr', 'crm', 'failed', '2026-11-01T11:00:00.000Z'));
    await store.saveRun(finished('a1', 'arr', 'crm', 'ok', '2026-11-01T10:30:00.000Z'));
    await store.saveRun(finished('c1', 'churn', 'erp', 'ok', '2026-11-01T09:00:00.000Z'));
    await store.saveRun(finished('c2', 'churn', 'erp', 'aborted', '2026-11-01T12:00:00.000Z'));
    await store.saveRun(finished('r1', 'ratio', 'formula', 'failed', '2026-11-01T12:00:00.000Z'));
    const metrics = createMetrics();
    await metrics.refreshBusinessGauges(catalog, store);
    let text = await metrics.registry.metrics();
    expect(text).toContain(`kpi_last_success_timestamp_seconds{kpi="mrr"} ${Date.parse('2026-11-01T10:00:00Z') / 1000}`);
    expect(text).toContain(`kpi_last_success_timestamp_seconds{kpi="churn"} ${Date.parse('2026-11-01T09:00:00Z') / 1000}`);
    expect(text).not.toContain('kpi_last_success_timestamp_seconds{kpi="ratio"}');
    expect(text).toContain(`kpi_stale_after_seconds{kpi="mrr"} ${2 * 31 * 86_400}`);
    expect(text).toContain('kpi_stale_after_seconds{kpi="arr"} 5400');
    // mrr's latest run failed: crm is down although arr's succeeded. churn's latest was aborted: erp has no vote yet.
    expect(text).toContain('kpi_sync_connection_up{connection="crm"} 0');
    expect(text).not.toMatch(/kpi_sync_connection_up\{connection="(erp|idle|formula)"\}/);
    expect(text).toMatch(/# HELP kpi_sync_connection_up Per connection: 1 when the latest finished sync run of every KPI/);

    await store.saveRun(finished('m3', 'mrr', 'crm', 'ok', '2026-11-01T13:00:00.000Z'));
    await store.saveRun(finished('c3', 'churn', 'erp', 'failed', '2026-11-01T13:00:00.000Z'));
    await metrics.refreshBusinessGauges(catalog, store);
    text = await metrics.registry.metrics();
    expect(text).toContain('kpi_sync_connection_up{connection="crm"} 1');
    expect(text).toContain('kpi_sync_connection_up{connection="erp"} 0');
    expect(text).toContain(`kpi_last_success_timestamp_seconds{kpi="mrr"} ${Date.parse('2026-11-01T13:00:00Z') / 1000}`);
    await store.close();
  });

  it('says which version runs on which Node.js', async () => {
    expect(await createMetrics().registry.metrics()).toContain(`kpi_sync_build_info{version="${PACKAGE_VERSION}",node="${process.version}"} 1`);
  });

  it('gives every instance its own registry, with process metrics under the kpi_sync_ prefix', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.onHttpAttempt('x')({ label: 'l', status: 200, durationMs: 1 });
    expect(await b.registry.metrics()).not.toContain('connection="x"');
    expect(await a.registry.metrics()).toMatch(/^kpi_sync_process_resident_memory_bytes \d+/m);
  });
});
