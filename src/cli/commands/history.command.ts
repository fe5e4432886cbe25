import type { Command } from 'commander';
import { HISTORY_LIMIT, HISTORY_PERIODS, kpiHistory, type HistoryView } from '../../app/kpi-history.ts';
import { unknownId } from '../../config/suggest.ts';
import { UsageError } from '../../sdk/errors.ts';
import { wholeNumber } from '../options.ts';
import { outputOption, printJson, type OutputFormat } from '../output.ts';
import { table } from '../table.ts';
import { withApp } from '../with-app.ts';

interface HistoryOptions {
  kpi: string;
  from?: string;
  to?: string;
  limit: number;
  output: OutputFormat;
}

/** The datapoints and health transitions of one KPI as tables, the same history the KPI page charts. */
export function historyTables(view: HistoryView, health: { state: string; since: string } | undefined): string {
  const out: string[] = [];
  const span = view.range.default
    ? `${view.range.label} (the last ${HISTORY_PERIODS[view.interval]} ${view.interval}s; --from/--to for another range)`
    : view.range.label;
  out.push(`${view.name} (${view.kpi}) · every ${view.interval} · ${view.timezone} · ${span}${view.bandText ? ` · band ${view.bandText}` : ''}`);
  if (view.datapoints.length === 0) {
    out.push('No datapoint is stored in this range.');
  } else {
    const points = table(['period', 'value', 'observed at', 'source', 'approx.']);
    for (const p of view.datapoints) points.push([p.label, p.display, p.observedAt, p.source, p.approximate ? '≈' : '']);
    out.push(points.toString());
    out.push(`${view.datapoints.length} datapoint(s)${view.truncated ? `; only the most recent ${view.datapoints.length} of the range (--limit)` : ''}`);
  }
  if (health) out.push(`Health now: ${health.state} since ${health.since}`);
  if (view.transitions.length === 0) {
    out.push('No health transition in this range.');
  } else {
    const transitions = table(['period', 'change', 'value', 'decided at']);
    for (const t of view.transitions) transitions.push([t.label ?? '—', `${t.from} → ${t.to}`, t.display ?? '—', t.at]);
    out.push(`Health transitions in this range:\n${transitions.toString()}`);
  }
  return out.join('\n');
}

export function registerHistory(program: Command): void {
  program
    .command('history')
    .description("a KPI's stored datapoints and its health transitions over a range (default: the last periods by interval, as the KPI page shows)")
    .requiredOption('-k, --kpi <id>', 'the KPI')
    .option('--from <date>', "first day to include (YYYY-MM-DD, in the KPI's time zone; or an ISO instant)")
    .option('--to <date>', 'last day to include (YYYY-MM-DD; or an ISO instant)')
    .option(
      '-n, --limit <n>',
      `at most this many datapoints, the most recent (1–${HISTORY_LIMIT.max})`,
      wholeNumber('--limit', 1, HISTORY_LIMIT.max),
      HISTORY_LIMIT.default,
    )
    .addOption(outputOption())
    .action(async (opts: HistoryOptions, command: Command) => {
      await withApp(
        command,
        async (app) => {
          const kpi = app.catalog.kpis.get(opts.kpi);
          if (!kpi) throw unknownId('KPI', opts.kpi, app.catalog.kpis.keys());
          const view = await kpiHistory(kpi, app.store, { from: opts.from, to: opts.to, limit: opts.limit }, app.env.now());
          // The read API's words ("from: not a date…"), with the flags' dashes.
          if (typeof view === 'string') throw new UsageError(view.replace(/^(from|to):/, '--$1:').replace(/ after to:/, ' after --to:'));
          if (opts.output === 'json') return printJson(view, app.redactor);
          const health = await app.store.getHealth(kpi.id);
          process.stdout.write(`${app.redactor.scrub(historyTables(view, health))}\n`);
        },
        { readonly: true },
      );
    });
}
