/**
 * When a run must not spend API calls. Salesforce's allowance is a rolling 24-hour count
 * with no reset time (https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm),
 * so there is nothing to sleep until: runs are deferred (BudgetDeferredError, recorded
 * as `deferred`, not `failed`) and the next scheduled run looks again.
 */
import { BudgetDeferredError } from '../../src/sdk/index.ts';
import type { SalesforceConnection } from './schema.ts';
import type { ConnectionState } from './state.ts';

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
export function guardBudget(state: ConnectionState, budget: SalesforceConnection['apiBudget'], kpi: string, nowMs: number): void {
  const pause = state.pause;
  if (pause) {
    if (!pause.seen.has(kpi)) {
      pause.seen.add(kpi);
      throw new BudgetDeferredError(`Salesforce connection paused until the next run: ${pause.reason}`);
    }
    // This run is the probe the pause waited for: it goes ahead whatever the last reading said.
    state.pause = undefined;
    return;
  }
  const usage = state.usage;
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
export function pauseConnection(state: ConnectionState, reason: string, kpi: string | undefined): void {
  state.pause = { reason, seen: new Set(kpi === undefined ? [] : [kpi]) };
}

export function usageText(state: ConnectionState): string | undefined {
  const usage = state.usage;
  return usage ? `${usage.used}/${usage.limit} (${percent(usage.used, usage.limit)})` : undefined;
}
