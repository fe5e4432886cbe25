import { ConfigError, type ConnectorContext, type Interval } from '../../src/sdk/index.ts';
import type { QueryWindow } from './query-template.ts';

const HOUR_MS = 3_600_000;

/**
 * How far past a period's start is surely inside the next period and not the one after:
 * days last 23–25 h, weeks 167–169 h, months 28–31 days, quarters 90–92 days.
 */
const STRIDE_MS: Record<Interval, number> = {
  day: 36 * HOUR_MS,
  week: 10.5 * 24 * HOUR_MS,
  month: 32 * 24 * HOUR_MS,
  quarter: 100 * 24 * HOUR_MS,
};

/**
 * The windows to query. `current` mode: the runner's window as it is. `backfill` mode:
 * the runner passes one window spanning every period, and Intercom cannot group counts
 * by date, so each period is queried on its own. Period boundaries come from
 * `ctx.periodOf`, the runner's own calendar (ISO weeks, DST), never a local rule.
 */
export function windowsToQuery(ctx: Pick<ConnectorContext, 'window' | 'mode' | 'periodOf'>, maxPeriods: number): QueryWindow[] {
  const { window } = ctx;
  if (ctx.mode === 'current') return [{ start: window.start, end: window.end, timeZone: window.timeZone }];
  const endMs = Date.parse(window.end);
  const out: QueryWindow[] = [];
  let start = ctx.periodOf(window.start);
  while (Date.parse(start) < endMs) {
    if (out.length >= maxPeriods) {
      throw new ConfigError(
        `this backfill spans more than ${maxPeriods} ${window.interval} periods (${window.start} to ${window.end}); ` +
          "give it a later --from, or raise the connection's maxBackfillPeriods",
      );
    }
    const next = ctx.periodOf(new Date(Date.parse(start) + STRIDE_MS[window.interval]));
    out.push({ start, end: Date.parse(next) < endMs ? next : window.end, timeZone: window.timeZone });
    start = next;
  }
  return out;
}
