import type { Command } from 'commander';
import type { LoadedKpi } from '../../config/catalog.ts';
import type { Datapoint } from '../../domain/types.ts';
import { currentWindow, parseDateInZone, periodEnd, periodStart, periodsBetween } from '../../domain/periods.ts';
import { UsageError } from '../../sdk/index.ts';
import { unknownId } from '../../config/suggest.ts';
import type { BackfillProgress as StoredBackfill } from '../../store/store.ts';
import { runSync, type SyncEnvironment } from '../../sync/run-sync.ts';
import { formatPeriod } from '../../app/format.ts';
import { writtenTable } from '../backfill-summary.ts';
import { withApp } from '../with-app.ts';

interface BackfillOptions {
  kpi: string;
  from?: string;
  to?: string;
  restart?: boolean;
}

/** Exit codes of a run stopped by a signal, as shells report them. */
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * The closed periods from `from` to `to` (a date means its whole day, in the KPI's zone).
 * The current period is left out: it is still moving and the regular sync writes it.
 */
export function planPeriods(kpi: Pick<LoadedKpi, 'interval' | 'timezone'>, from: string, to: string, now: Date): string[] {
  const { interval, timezone: zone } = kpi;
  const lastDay = periodEnd(periodStart(to, 'day', zone), 'day', zone);
  const open = currentWindow(now, interval, zone).start;
  const end = Date.parse(lastDay) < Date.parse(open) ? lastDay : open;
  return periodsBetween(periodStart(from, interval, zone), end, interval, zone);
}

/**
 * The periods still to write. A saved cursor means "every period from its `from` to its
 * `done` is written"; it is honoured when that block is the start of this plan (the same
 * backfill, or one that starts inside it), else the plan runs whole.
 */
export function remainingPeriods(periods: string[], cursor: StoredBackfill | undefined): { todo: string[]; from: string } {
  const first = periods[0];
  if (!cursor || first === undefined || Date.parse(cursor.from) > Date.parse(first)) return { todo: periods, from: first ?? '' };
  const done = Date.parse(cursor.done);
  return { todo: periods.filter((p) => Date.parse(p) > done), from: cursor.from };
}

/**
 * Progress on stdout: a bar redrawn in place on a terminal; elsewhere (CI, logs, pipes)
 * plain lines, at most one a second plus the last, so a ten-year daily backfill does
 * not flood a log.
 */
export class BackfillProgress {
  readonly #out: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  readonly #kpi: string;
  readonly #started = Date.now();
  #lastLine = 0;
  #drawn = false;

  constructor(out: { write(text: string): unknown; isTTY?: boolean; columns?: number }, kpi: string) {
    this.#out = out;
    this.#kpi = kpi;
  }

  update(done: number, total: number, label: string): void {
    if (!this.#out.isTTY) {
      const now = Date.now();
      if (done < total && done > 1 && now - this.#lastLine < 1_000) return;
      this.#lastLine = now;
      this.#out.write(`backfill ${this.#kpi}: ${done}/${total} periods (${label})\n`);
      return;
    }
    const width = Math.max(10, Math.min(30, (this.#out.columns ?? 80) - 60));
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const elapsed = Date.now() - this.#started;
    const eta = done > 0 && done < total ? `  eta ${clock(((total - done) * elapsed) / done)}` : '';
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    this.#out.write(`\r\x1b[2Kbackfill ${this.#kpi} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} ${pct}%  ${label}${eta}`);
    this.#drawn = true;
  }

  /** A line of its own, above the bar. */
  line(text: string): void {
    this.#out.write(`${this.#drawn ? '\r\x1b[2K' : ''}${text}\n`);
    this.#drawn = false;
  }

  end(): void {
    if (this.#drawn) this.#out.write('\n');
    this.#drawn = false;
  }
}

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * SIGINT/SIGTERM once: finish the period in flight, then stop (the cursor is saved, a
 * re-run resumes); with `abortAtOnce` (a one-pass backfill has no "after the current
 * period"), abort at once. Twice: abort whatever is in flight.
 */
function watchSignals(abortAtOnce: boolean, onFirst: () => void): Signals {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (received || abortAtOnce) controller.abort(new Error(`interrupted by ${signal}`));
    if (!received) {
      received = signal;
      onFirst();
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    stopped: () => received,
    abort: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

interface Signals {
  /** The first signal received, if any. */
  stopped(): NodeJS.Signals | undefined;
  abort: AbortSignal;
  dispose(): void;
}

function dateOption(name: string, text: string | undefined, zone: string): string | undefined {
  if (text === undefined) return undefined;
  const at = parseDateInZone(text, zone);
  if (at === undefined) throw new UsageError(`--${name}: not a date: ${JSON.stringify(text)} (expected YYYY-MM-DD)`);
  return at;
}

export function registerBackfill(program: Command): void {
  program
    .command('backfill')
    .description('write past periods as closed datapoints: one query per period (CSV and formula KPIs: one pass); an interrupted run resumes')
    .requiredOption('-k, --kpi <id>', 'the KPI to backfill')
    .option('--from <date>', 'first day to include (YYYY-MM-DD); required unless the KPI reads a CSV or is a formula')
    .option('--to <date>', 'last day to include (YYYY-MM-DD); default: today')
    .option('--restart', 'ignore where an interrupted backfill stopped and start again from --from')
    .action(async (opts: BackfillOptions, command: Command) => {
      await withApp(command, async (app) => {
        const progress = new BackfillProgress(process.stdout, opts.kpi);
        let signals: Signals | undefined;
        try {
          const kpi = app.catalog.kpis.get(opts.kpi);
          if (!kpi) throw unknownId('KPI', opts.kpi, app.catalog.kpis.keys());
          const from = dateOption('from', opts.from, kpi.timezone);
          const to = dateOption('to', opts.to, kpi.timezone);
          if (from && to && Date.parse(from) > Date.parse(to)) throw new UsageError(`--from ${opts.from} is after --to ${opts.to}`);
          const connection = kpi.source ? app.catalog.connections.get(kpi.source.connection) : undefined;
          const type = connection?.type ?? 'formula';
          // A formula reads its inputs' stored values in one pass; a connector says how it reads history.
          const whole = kpi.formula !== undefined || connection?.connector.backfill === 'one-pass';
          signals = watchSignals(whole, () =>
            progress.line(whole ? `backfill ${kpi.id}: interrupted` : `backfill ${kpi.id}: stopping after the current period (press Ctrl-C again to abort it)`),
          );
          const job: BackfillRun = { kpi, from, to, restart: opts.restart ?? false, env: app.env, progress, signals, type };
          const outcome = whole ? await onePass(job) : await byPeriod(job);
          const signal = signals.stopped();
          if (signal) process.exitCode = SIGNAL_EXIT[signal] ?? 130;
          else if (outcome !== 'ok') process.exitCode = 1;
        } finally {
          progress.end();
          signals?.dispose();
        }
      });
    });
}

interface BackfillRun {
  kpi: LoadedKpi;
  from: string | undefined;
  to: string | undefined;
  restart: boolean;
  env: SyncEnvironment;
  progress: BackfillProgress;
  signals: Signals;
  type: string;
}

type Outcome = 'ok' | 'failed';

const labelOf = (kpi: LoadedKpi, period: string) => formatPeriod(period, kpi.interval, kpi.timezone);

/** CSV files and formulas are read whole: one run over the range is one pass, and it is all-or-nothing in the store. */
async function onePass({ kpi, from, to, env, progress, signals, type }: BackfillRun): Promise<Outcome> {
  progress.line(`backfill ${kpi.id}: reading ${type === 'formula' ? 'its inputs' : kpi.source!.connection} in one pass`);
  const { run, datapoints } = await runSync({ kpi: kpi.id, mode: 'backfill', signal: signals.abort, ...(from ? { from } : {}), ...(to ? { to } : {}) }, env);
  if (signals.stopped()) {
    progress.line(`backfill ${kpi.id}: interrupted before anything was written; run the same command again`);
    return 'failed';
  }
  if (run.status !== 'ok') {
    progress.line(env.scrub(`backfill ${kpi.id}: ${run.status} — ${run.error?.code ?? ''} ${run.error?.message ?? ''}`.trim()));
    return 'failed';
  }
  const first = datapoints[0];
  const last = datapoints.at(-1);
  progress.update(datapoints.length, datapoints.length, last ? labelOf(kpi, last.period) : 'no data');
  progress.end();
  const span = first && last ? ` from ${labelOf(kpi, first.period)} to ${labelOf(kpi, last.period)}` : '';
  progress.line(`backfill ${kpi.id}: done — ${datapoints.length} period(s)${span} written${run.rejected ? `, ${run.rejected} row(s) rejected` : ''}`);
  if (datapoints.length > 0) progress.line(env.scrub(writtenTable(kpi, datapoints)));
  return 'ok';
}

/** One run per period, oldest first; the cursor moves after each, so an interrupted backfill resumes where it stopped. */
async function byPeriod({ kpi, from, to, restart, env, progress, signals, type }: BackfillRun): Promise<Outcome> {
  if (!from) throw new UsageError(`--from is required to backfill ${kpi.id}: its ${type} connection runs one query per period`);
  const now = env.now();
  const periods = planPeriods(kpi, from, to ?? now.toISOString(), now);
  if (periods.length === 0) {
    progress.line(`backfill ${kpi.id}: no closed period between ${from.slice(0, 10)} and ${(to ?? now.toISOString()).slice(0, 10)}`);
    return 'ok';
  }
  const saved = restart ? undefined : await env.store.getBackfillProgress(kpi.id);
  const { todo, from: cursorFrom } = remainingPeriods(periods, saved);
  const total = periods.length;
  let done = total - todo.length;
  if (done > 0 && saved) progress.line(`backfill ${kpi.id}: resuming after ${labelOf(kpi, saved.done)} (${done} of ${total} periods already written)`);

  const written: Datapoint[] = [];
  for (const period of todo) {
    if (signals.stopped()) break;
    // The progress moves in the same commit as the period's datapoints: a crash never skips or repeats a period.
    const progressAfter: StoredBackfill = { from: cursorFrom, to: periods.at(-1)!, done: period, updatedAt: env.now().toISOString() };
    const { run, datapoints } = await runSync({ kpi: kpi.id, mode: 'backfill', from: period, to: period, signal: signals.abort, backfill: progressAfter }, env);
    if (run.status !== 'ok') {
      if (signals.abort.aborted) break;
      progress.end();
      const why = run.status === 'deferred' ? "the connection's API budget is spent" : `${run.error?.code ?? 'failed'}: ${run.error?.message ?? ''}`;
      progress.line(env.scrub(`backfill ${kpi.id}: stopped at ${labelOf(kpi, period)} — ${why}. Run the same command again to resume from there.`));
      return 'failed';
    }
    written.push(...datapoints);
    done += 1;
    progress.update(done, total, labelOf(kpi, period));
  }
  progress.end();
  if (done < total) {
    progress.line(`backfill ${kpi.id}: interrupted after ${done}/${total} periods; run the same command again to resume`);
    return 'failed';
  }
  await env.store.saveBackfillProgress(kpi.id, undefined);
  progress.line(
    `backfill ${kpi.id}: done — ${total} period(s) from ${labelOf(kpi, periods[0]!)} to ${labelOf(kpi, periods.at(-1)!)}, ${written.length} datapoint(s) written this run`,
  );
  if (written.length > 0) progress.line(env.scrub(writtenTable(kpi, written)));
  return 'ok';
}
