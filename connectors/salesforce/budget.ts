/**
 * When a run must not spend API calls. Salesforce's allowance is a rolling 24-hour count
 * with no reset time (https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm),
 * so there is nothing to sleep until: runs are deferred (BudgetDeferredError, recorded
 * as `deferred`, not `failed`) and the next scheduled run looks again. The pause and the
 * usage reading are the connection's shared state, so every process defers alike.
 */
import { BudgetDeferredError } from '../../src/sdk/index.ts';
import type { SalesforceConnection } from './schema.ts';
import type { SharedState, UsageReading } from './state.ts';

function percent(used: number, limit: number): string {
  return `${Math.round((used / limit) * 1000) / 10}%`;
}

/**
 * Throws BudgetDeferredError when this run should not call Salesforce:
 * - the connection is paused after REQUEST_LIMIT_EXCEEDED, and this KPI has not come
 *   back since (its coming back is its next run, which lifts the pause and tries again,
 *   even if the last usage reading is over budget);
 * - the last usage reading is at or above `apiBudget.maxPercent` and younger than
 *   `recheckAfterMinutes` (an older reading lets one run through to read usage again).
 */
export async function guardBudget(state: SharedState, budget: SalesforceConnection['apiBudget'], kpi: string, nowMs: number): Promise<void> {
  const pause = await state.pause();
  if (pause) {
    if (!pause.seen.includes(kpi)) {
      // Two processes adding at once may lose one name: that KPI is then deferred once more, never run early.
      await state.savePause({ ...pause, seen: [...pause.seen, kpi] }, nowMs);
      throw new BudgetDeferredError(`Salesforce connection paused until the next run: ${pause.reason}`);
    }
    // This run is the probe the pause waited for: it goes ahead whatever the last reading said.
    await state.liftPause();
    return;
  }
  const usage = await state.usage();
  if (!usage) return;
  const fresh = nowMs - usage.at < budget.recheckAfterMinutes * 60_000;
  if (fresh && usage.used >= (usage.limit * budget.maxPercent) / 100) {
    throw new BudgetDeferredError(
      `Salesforce API budget spent: ${usage.used}/${usage.limit} calls in the last 24 h (${percent(usage.used, usage.limit)}), ` +
        `apiBudget.maxPercent is ${budget.maxPercent}%; deferred until usage falls (read again after ${budget.recheckAfterMinutes} min)`,
    );
  }
}

/** Starts a pause after REQUEST_LIMIT_EXCEEDED; `kpi` is the run that hit it (absent for `check`). */
export function pauseConnection(state: SharedState, reason: string, kpi: string | undefined, nowMs: number): Promise<void> {
  return state.savePause({ reason, seen: kpi === undefined ? [] : [kpi], since: nowMs }, nowMs);
}

export function usageText(usage: UsageReading | undefined): string | undefined {
  return usage ? `${usage.used}/${usage.limit} (${percent(usage.used, usage.limit)})` : undefined;
}
