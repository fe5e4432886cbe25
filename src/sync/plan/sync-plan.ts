import type { Catalog, LoadedKpi } from '../../config/catalog.ts';
import { routeMatches } from '../../domain/alert-routing.ts';
import { evaluateHealth } from '../../domain/health.ts';
import type { Datapoint, HealthRecord, HealthTransition, KrProgress } from '../../domain/types.ts';
import type { BackfillProgress, OutboxEntry, SyncCommit, SyncRun, SyncState, SyncStateQuery } from '../../store/store.ts';
import { planHeldPushAlert, planQualityAlert, planRepeatAlerts, planTransitionAlerts, TREND_POINTS, type AlertContext } from './alert-plan.ts';
import { planProgress } from './push-plan.ts';

/** What a sync reads of a KPI's stored state: enough for the trend and the push guard's previous value. */
export function syncStateQuery(catalog: Catalog, kpi: LoadedKpi): SyncStateQuery {
  const krs = catalog.krsByKpi.get(kpi.id) ?? [];
  return {
    kpi: kpi.id,
    krs: krs.map(({ kr }) => kr.id),
    routes: catalog.alerts.routes.filter((route) => routeMatches(route, kpi)).map((route) => route.name),
    pushes: krs.flatMap(({ kr }) => (kr.push ?? []).map((push) => ({ kr: kr.id, target: push.target }))),
    recent: TREND_POINTS + 1,
  };
}

export interface SyncPlanInput {
  catalog: Catalog;
  kpi: LoadedKpi;
  mode: 'current' | 'backfill';
  /** This sync's datapoints, inside its window, oldest first. */
  datapoints: Datapoint[];
  state: SyncState;
  /** The finished run record, committed with everything else. */
  run: SyncRun;
  now: Date;
  /** The window's first instant: in `current` mode, earlier periods are closed. */
  windowStart: string;
  /** The period health and KR progress judge (a regular sync: the last closed one or the current one, per the KPI's `evaluation`). */
  evaluatedPeriod: string;
  /** The connector's new cursor, when it set one. */
  cursor?: { value: unknown };
  backfill?: { progress: BackfillProgress | undefined };
}

/** Everything one sync decided: the one commit, and what it means for reports and logs. */
export interface SyncPlan {
  commit: SyncCommit;
  health?: HealthRecord;
  transition?: HealthTransition;
  /** Alerts queued (transition, reminder and held-push alerts). */
  alerts: OutboxEntry[];
  /** Every KR on the KPI, as it stands after this sync. */
  progress: KrProgress[];
  /** KR pushes queued, held ones included. */
  pushes: OutboxEntry[];
  held: { entry: OutboxEntry; reason: string }[];
}

/** Health turns no_data (with its transition and alerts) when the judged period has no value; returns the state after. */
function planNoData(
  plan: SyncPlan,
  context: AlertContext,
  previous: HealthRecord | undefined,
  notified: { route: string; at: string }[],
  period: string,
): HealthRecord['state'] {
  const { kpi, now } = context;
  if (previous?.state === 'no_data') return 'no_data';
  const at = now.toISOString();
  const record: HealthRecord = { state: 'no_data', since: at, lastPeriod: period, ...(previous?.checkedAt ? { checkedAt: previous.checkedAt } : {}) };
  plan.health = record;
  plan.transition = { kpi: kpi.id, from: previous?.state ?? 'no_data', to: 'no_data', period, at };
  if (plan.transition.from === plan.transition.to) {
    delete plan.transition;
    plan.commit.health = { record };
    return 'no_data';
  }
  const alerts = planTransitionAlerts(context, plan.transition, previous === undefined);
  plan.alerts.push(...alerts.entries);
  notified.push(...alerts.notified);
  plan.commit.health = { record, transition: plan.transition };
  return 'no_data';
}

/** The stored recent datapoints with this sync's merged in (a re-observed period replaces the stored one), oldest first. */
export function mergeRecent(stored: readonly Datapoint[], fresh: readonly Datapoint[]): Datapoint[] {
  const byPeriod = new Map<number, Datapoint>();
  for (const point of [...stored, ...fresh]) byPeriod.set(Date.parse(point.period), point);
  return [...byPeriod.entries()].sort(([a], [b]) => a - b).map(([, point]) => point);
}

/**
 * Decides everything one sync writes, from what it read: the datapoints, health on
 * the current period and its transition, the alerts that transition (or a reminder)
 * sends, KR progress and the pushes it calls for, and the bookkeeping that makes the
 * next run's decisions. Pure: no store, no clock (time is `now`).
 */
export function planSync(input: SyncPlanInput): SyncPlan {
  const { catalog, kpi, mode, datapoints, state, run, now } = input;
  const recent = mergeRecent(state.recent, datapoints);
  const context: AlertContext = { catalog, kpi, state, recent, now };
  const plan: SyncPlan = { commit: { kpi: kpi.id, run }, alerts: [], progress: [], pushes: [], held: [] };
  const notified: { route: string; at: string }[] = [];
  if (datapoints.length > 0) {
    plan.commit.datapoints = { points: datapoints, options: mode === 'current' ? { closedBefore: input.windowStart } : { rewriteClosed: true } };
  }

  let healthState = state.health?.state ?? 'no_data';
  const evaluatedMs = Date.parse(input.evaluatedPeriod);
  const judged = mode === 'current' ? datapoints.find((p) => Date.parse(p.period) === evaluatedMs) : undefined;
  if (mode === 'current' && !judged && kpi.formula && kpi.health) {
    // A formula with an input missing for the period has no value: it is no_data, not "ok as last time".
    healthState = planNoData(plan, context, state.health, notified, input.evaluatedPeriod);
  }
  if (judged && kpi.health) {
    const evaluated = evaluateHealth(kpi.health, state.health, judged, now.toISOString());
    plan.health = evaluated.record;
    healthState = evaluated.record.state;
    if (evaluated.transition) {
      plan.transition = { kpi: kpi.id, ...evaluated.transition, value: judged.value, period: judged.period, at: now.toISOString() };
      const alerts = planTransitionAlerts(context, plan.transition, state.health === undefined);
      plan.alerts.push(...alerts.entries);
      notified.push(...alerts.notified);
    } else {
      const repeats = planRepeatAlerts(context, evaluated.record.state);
      plan.alerts.push(...repeats.entries);
      notified.push(...repeats.notified);
    }
    plan.commit.health = { record: evaluated.record, ...(plan.transition ? { transition: plan.transition } : {}) };
  }

  // KR progress judges the same period as health; a backfill (or a period with no value yet) uses the latest stored one.
  const latest =
    judged ?? (kpi.evaluation.period === 'closed' && mode === 'current' ? recent.findLast((p) => Date.parse(p.period) <= evaluatedMs) : recent.at(-1));
  if (latest && (catalog.krsByKpi.get(kpi.id)?.length ?? 0) > 0) {
    const previousValue = recent.findLast((p) => Date.parse(p.period) < Date.parse(latest.period))?.value;
    const progress = planProgress(catalog, kpi, latest, previousValue, state, run.id, now);
    plan.progress = progress.progress;
    plan.pushes = progress.pushes;
    plan.held = progress.held;
    for (const { entry, reason } of progress.held) plan.alerts.push(...planHeldPushAlert(context, healthState, entry.id, reason, latest));
    if (progress.changed.length > 0) plan.commit.progress = progress.changed;
    if (progress.lastPushed.length > 0) plan.commit.lastPushed = progress.lastPushed;
  }

  const outbox = [...plan.alerts, ...plan.pushes];
  if (outbox.length > 0) plan.commit.outbox = outbox;
  if (notified.length > 0) plan.commit.notified = notified;
  if (input.cursor) plan.commit.cursor = input.cursor;
  if (input.backfill) plan.commit.backfill = input.backfill;
  return plan;
}

/** What a run refused by its data quality gate writes: its failed run record and the alert, nothing else. */
export function planRefusal(input: { catalog: Catalog; kpi: LoadedKpi; state: SyncState; run: SyncRun; now: Date; period: string; reason: string }): SyncPlan {
  const { catalog, kpi, state, run, now } = input;
  const context: AlertContext = { catalog, kpi, state, recent: mergeRecent(state.recent, []), now };
  const alerts = planQualityAlert(context, state.health?.state ?? 'no_data', input.period, input.reason);
  return { commit: { kpi: kpi.id, run, ...(alerts.length > 0 ? { outbox: alerts } : {}) }, alerts, progress: [], pushes: [], held: [] };
}
