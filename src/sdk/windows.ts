import type { ConnectorContext, SyncWindow } from './connector.ts';
import { ConfigError, toKsError } from './errors.ts';

/**
 * The windows a connector that asks its source once per period queries: the runner's
 * window in `current` mode; in `backfill` mode the window's periods (`ctx.periods`,
 * the runner's own calendar), at most `maxPeriods` (the connection's
 * `maxBackfillPeriods`), so a backfill too wide for the source fails as a config error
 * naming what to change, before it sends anything.
 */
export function windowsToQuery(
  ctx: Pick<ConnectorContext, 'mode' | 'window' | 'periods'>,
  maxPeriods: number,
  advice = `give it a later --from, or raise the connection's maxBackfillPeriods (${maxPeriods})`,
): SyncWindow[] {
  if (ctx.mode === 'current') return [ctx.window];
  try {
    return ctx.periods(maxPeriods);
  } catch (error) {
    if (toKsError(error).code !== 'KS_ERR_QUERY') throw error;
    // The runner says how wide the window is; the cap is the connection's setting.
    throw new ConfigError(`${(error as Error).message}; ${advice}`, { cause: error });
  }
}
