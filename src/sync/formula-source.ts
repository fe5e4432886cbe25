import { evaluateFormula } from '../domain/formula.ts';
import { periodStart } from '../domain/periods.ts';
import type { LoadedKpi } from '../config/catalog.ts';
import type { Datapoint } from '../domain/types.ts';
import type { RawValue, SyncWindow } from '../sdk/index.ts';
import type { Store } from '../store/store.ts';
import type { PlannedDatapoints } from './sync-environment.ts';
import type { RunDiagnostics } from './run-diagnostics.ts';

/**
 * A formula KPI's "connector": reads its inputs' stored datapoints in the window,
 * groups them by the formula KPI's own periods (an input's latest value in each
 * period wins) and evaluates the expression per period. A period where the formula
 * cannot be evaluated (missing input, division by zero) yields no value and is
 * reported as a reject with the reason.
 */
export async function readFormula(
  kpi: LoadedKpi,
  window: SyncWindow,
  store: Store,
  diagnostics: RunDiagnostics,
  planned?: PlannedDatapoints,
): Promise<RawValue[]> {
  const ast = kpi.formulaAst;
  const inputs = kpi.inputs ?? [];
  if (!ast) throw new Error(`KPI ${kpi.id} has no parsed formula`);

  const byPeriod = new Map<string, Record<string, number>>();
  for (const input of inputs) {
    const points = withPlanned(await store.listDatapoints(input, { from: window.start, to: window.end }), planned?.get(input), window);
    for (const point of points) {
      const period = periodStart(point.period, kpi.interval, kpi.timezone);
      let values = byPeriod.get(period);
      if (!values) byPeriod.set(period, (values = Object.create(null) as Record<string, number>));
      values[input] = point.value; // ascending order: the latest in the period wins
    }
  }

  const raw: RawValue[] = [];
  for (const [period, values] of byPeriod) {
    const result = evaluateFormula(ast, values);
    if (result.ok) raw.push({ value: result.value, at: period });
    else diagnostics.reject(period, result.reason);
  }
  return raw;
}

/** Stored points with a dry run's planned ones laid over them (same period: planned wins), oldest first. */
function withPlanned(stored: Datapoint[], planned: readonly Datapoint[] | undefined, window: SyncWindow): Datapoint[] {
  if (!planned?.length) return stored;
  const startMs = Date.parse(window.start);
  const endMs = Date.parse(window.end);
  const byPeriod = new Map(stored.map((p) => [Date.parse(p.period), p]));
  for (const point of planned) {
    const ms = Date.parse(point.period);
    if (ms >= startMs && ms < endMs) byPeriod.set(ms, point);
  }
  return [...byPeriod.entries()].sort(([a], [b]) => a - b).map(([, p]) => p);
}
