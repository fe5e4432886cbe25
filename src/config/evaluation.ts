import type { Evaluation, LoadedConnection, LoadedKpi } from './catalog.ts';

export type { Evaluation } from './catalog.ts';

/**
 * Decides, for each KPI, whether health and KR progress judge the last closed period or
 * the current one. A month or quarter that is half gone says little about a flow
 * (revenue won, tickets created): "2026-12 = 0 USD · critical" on the 6th is noise. A
 * snapshot (MRR, open bugs) is current the moment it is read. Days and weeks close
 * often enough to be judged as they go. `evaluate:` in the config overrides this.
 * Formulas follow their inputs: closed when any input is.
 */
export function resolveEvaluations(
  kpis: ReadonlyMap<string, LoadedKpi>,
  connections: ReadonlyMap<string, LoadedConnection>,
  formulaOrder: readonly string[],
): Map<string, Evaluation> {
  const resolved = new Map<string, Evaluation>();
  const ordered = [...[...kpis.values()].filter((k) => !k.formula).map((k) => k.id), ...formulaOrder];
  for (const id of ordered) {
    const kpi = kpis.get(id);
    if (!kpi) continue;
    resolved.set(id, evaluationOf(kpi, connections, resolved));
  }
  return resolved;
}

function evaluationOf(kpi: LoadedKpi, connections: ReadonlyMap<string, LoadedConnection>, resolved: ReadonlyMap<string, Evaluation>): Evaluation {
  if (kpi.evaluate) return { period: kpi.evaluate, reason: 'set in the config (evaluate)' };
  if (kpi.interval === 'day' || kpi.interval === 'week') return { period: 'current', reason: `a ${kpi.interval} closes soon enough to be judged as it goes` };
  if (kpi.formula) {
    const closed = (kpi.inputs ?? []).find((input) => resolved.get(input)?.period === 'closed');
    return closed
      ? { period: 'closed', reason: `its input ${closed} is judged on the last closed ${kpi.interval}` }
      : { period: 'current', reason: 'its inputs are judged on the current period' };
  }
  const connection = kpi.source ? connections.get(kpi.source.connection) : undefined;
  const measure = connection?.connector.measure?.(kpi.query) ?? 'snapshot';
  return measure === 'flow'
    ? { period: 'closed', reason: `its ${connection?.type ?? 'source'} query aggregates what happened during the ${kpi.interval}` }
    : { period: 'current', reason: `its ${connection?.type ?? 'source'} query reads a level at a moment` };
}
