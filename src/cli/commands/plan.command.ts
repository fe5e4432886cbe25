import type { Command } from 'commander';
import type { AlertEvent } from '../../notify/alert-event.ts';
import type { PushPayload } from '../../notify/targets/push-payload.ts';
import { DryRunStore } from '../../sync/dry-run.store.ts';
import { runSync } from '../../sync/run-sync.ts';
import { withApp } from '../with-app.ts';
import { formatPeriod, formatValue, table } from '../format.ts';
import { runOrder } from '../run-order.ts';

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('dry run: run every query and show what would be stored, which health states would change, and which alerts and pushes would be sent; sends and stores nothing')
    .option('-k, --kpi <id...>', 'only these KPIs')
    .action(async (opts: { kpi?: string[] }, command: Command) => {
      await withApp(command, async (app) => {
        const dry = new DryRunStore(app.store);
        const env = { ...app.env, store: dry };
        const failures: string[] = [];
        for (const kpi of runOrder(app.catalog, opts.kpi)) {
          const result = await runSync({ kpi }, env);
          if (result.run.status !== 'ok') failures.push(`${kpi}: ${result.run.status} ${result.run.error?.message ?? ''}`);
        }
        const out: string[] = [];

        const points = table(['KPI', 'period', 'value', 'stored now']);
        for (const point of dry.datapoints) {
          const kpi = app.catalog.kpis.get(point.kpi)!;
          const current = (await app.store.listDatapoints(point.kpi, { from: point.period, to: new Date(Date.parse(point.period) + 1).toISOString() }))[0];
          points.push([kpi.name, formatPeriod(point.period, kpi.interval, kpi.timezone), formatValue(point.value, kpi.unit), current ? formatValue(current.value, kpi.unit) : '—']);
        }
        out.push(dry.datapoints.length ? `Datapoints that would be written:\n${points.toString()}` : 'No datapoint would change.');

        const health = table(['KPI', 'from', 'to', 'value']);
        for (const t of dry.transitions) health.push([t.kpi, t.from, t.to, t.value === undefined ? '—' : String(t.value)]);
        out.push(dry.transitions.length ? `Health changes:\n${health.toString()}` : 'No health state would change.');

        const entries = [...dry.outbox.values()];
        const alerts = table(['destination', 'KPI', 'alert']);
        for (const e of entries.filter((x) => x.channel === 'alert')) {
          const event = e.payload as AlertEvent;
          alerts.push([e.destination, event.kpi.id, `${event.type} ${event.from} → ${event.to}${e.nextAttemptAt > new Date().toISOString() ? ` (after quiet hours, ${e.nextAttemptAt})` : ''}`]);
        }
        out.push(entries.some((x) => x.channel === 'alert') ? `Alerts that would be sent:\n${alerts.toString()}` : 'No alert would be sent.');

        const pushes = table(['target', 'KR', 'platform id', 'value', 'status', 'note']);
        for (const e of entries.filter((x) => x.channel === 'push')) {
          const push = e.payload as PushPayload;
          pushes.push([e.destination, push.kr, push.platformId, String(push.value), e.status === 'held' ? `held: ${e.lastError ?? ''}` : 'would push', push.note.slice(0, 60)]);
        }
        out.push(entries.some((x) => x.channel === 'push') ? `KR pushes that would be sent:\n${pushes.toString()}` : 'No KR push would be sent.');
        if (failures.length) out.push(`Queries that failed:\n${failures.map((f) => `  ${f}`).join('\n')}`);
        out.push('Nothing was stored or sent.');
        process.stdout.write(`${app.redactor.scrub(out.join('\n\n'))}\n`);
        if (failures.length) process.exitCode = 1;
      });
    });
}
