import type { Command } from 'commander';
import type { Datapoint } from '../../domain/types.ts';
import type { AlertEvent } from '../../notify/alert-event.ts';
import type { PushPayload } from '../../notify/targets/push-payload.ts';
import type { OutboxEntry } from '../../store/store.ts';
import { logPlan, planSyncRun } from '../../sync/run-sync.ts';
import { formatPeriod, formatValue } from '../../app/format.ts';
import { pointView } from '../../app/read-model.ts';
import { outputOption, printJson, type OutputFormat } from '../output.ts';
import { table } from '../table.ts';
import { runOrder } from '../../app/run-order.ts';
import { withApp } from '../with-app.ts';

/**
 * `kpi-sync plan`: the same read and planning as a sync, without the commit. The store
 * is opened read-only (a SQLite file that does not exist is not created), nothing is
 * written and nothing is sent; formulas read the values their inputs would get.
 */
export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description(
      'dry run: run every query and show what would be stored, which health states would change, and which alerts and pushes would be sent; sends and stores nothing',
    )
    .option('-k, --kpi <id...>', 'only these KPIs')
    .addOption(outputOption())
    .action(async (opts: { kpi?: string[]; output: OutputFormat }, command: Command) => {
      await withApp(
        command,
        async (app) => {
          const planned = new Map<string, Datapoint[]>();
          const failures: { kpi: string; status: string; error: { code: string; message: string } | null }[] = [];
          const points: { point: Datapoint; stored?: Datapoint }[] = [];
          const transitions: { kpi: string; from: string; to: string; value?: number }[] = [];
          const outbox: OutboxEntry[] = [];
          for (const kpi of runOrder(app.catalog, opts.kpi)) {
            const result = await planSyncRun({ kpi, planned }, app.env);
            if (!result.plan) {
              failures.push({ kpi, status: result.run.status, error: result.run.error ?? null });
              continue;
            }
            logPlan(result, 'would queue');
            planned.set(kpi, result.datapoints);
            points.push(...(await changedPoints(app.store, result.datapoints)));
            if (result.plan.transition) transitions.push(result.plan.transition);
            outbox.push(...(result.plan.commit.outbox ?? []));
          }
          if (failures.length) process.exitCode = 1;
          if (opts.output === 'json') {
            const view = (point: Datapoint) => ({ kpi: point.kpi, ...pointView(point, app.catalog.kpis.get(point.kpi)!) });
            return printJson(
              {
                datapoints: points.map(({ point, stored }) => ({ ...view(point), stored: stored ? view(stored) : null })),
                transitions,
                alerts: outbox.filter((x) => x.channel === 'alert'),
                pushes: outbox.filter((x) => x.channel === 'push'),
                failures,
                stored: false,
              },
              app.redactor,
            );
          }
          const out: string[] = [];

          const pointRows = table(['KPI', 'period', 'value', 'stored now']);
          for (const { point, stored } of points) {
            const kpi = app.catalog.kpis.get(point.kpi)!;
            pointRows.push([
              kpi.name,
              formatPeriod(point.period, kpi.interval, kpi.timezone),
              formatValue(point.value, kpi.unit),
              stored ? formatValue(stored.value, kpi.unit) : '—',
            ]);
          }
          out.push(points.length ? `Datapoints that would be written:\n${pointRows.toString()}` : 'No datapoint would change.');

          const health = table(['KPI', 'from', 'to', 'value']);
          for (const t of transitions) health.push([t.kpi, t.from, t.to, t.value === undefined ? '—' : String(t.value)]);
          out.push(transitions.length ? `Health changes:\n${health.toString()}` : 'No health state would change.');

          const alerts = table(['destination', 'KPI', 'alert']);
          const now = app.env.now().toISOString();
          for (const e of outbox.filter((x) => x.channel === 'alert')) {
            const event = e.payload as AlertEvent;
            alerts.push([
              e.destination,
              event.kpi.id,
              `${event.type} ${event.from} → ${event.to}${e.nextAttemptAt > now ? ` (after quiet hours, ${e.nextAttemptAt})` : ''}`,
            ]);
          }
          out.push(outbox.some((x) => x.channel === 'alert') ? `Alerts that would be sent:\n${alerts.toString()}` : 'No alert would be sent.');

          const pushes = table(['target', 'KR', 'platform id', 'value', 'status', 'note']);
          for (const e of outbox.filter((x) => x.channel === 'push')) {
            const push = e.payload as PushPayload;
            pushes.push([
              e.destination,
              push.kr,
              push.platformId,
              String(push.value),
              e.status === 'held' ? `held: ${e.lastError ?? ''}` : 'would push',
              push.note.slice(0, 60),
            ]);
          }
          out.push(outbox.some((x) => x.channel === 'push') ? `KR pushes that would be sent:\n${pushes.toString()}` : 'No KR push would be sent.');
          if (failures.length) out.push(`Queries that failed:\n${failures.map((f) => `  ${f.kpi}: ${f.status} ${f.error?.message ?? ''}`).join('\n')}`);
          out.push('Nothing was stored or sent.');
          process.stdout.write(`${app.redactor.scrub(out.join('\n\n'))}\n`);
        },
        { readonly: true },
      );
    });
}

/** The planned points whose value differs from the stored one (those a commit would write), with what is stored now. */
async function changedPoints(store: { listDatapoints(kpi: string, q: { from: string; to: string }): Promise<Datapoint[]> }, points: Datapoint[]) {
  const changed: { point: Datapoint; stored?: Datapoint }[] = [];
  for (const point of points) {
    const [stored] = await store.listDatapoints(point.kpi, { from: point.period, to: new Date(Date.parse(point.period) + 1).toISOString() });
    if (stored && stored.value === point.value && stored.source === point.source) continue;
    changed.push(stored ? { point, stored } : { point });
  }
  return changed;
}
