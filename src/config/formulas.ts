import { findCycles, formulaInputs, FormulaSyntaxError, parseFormula, topologicalOrder } from '../domain/formula.ts';
import type { FormulaAst } from '../domain/formula.ts';
import type { ConfigIssue } from './issue.ts';
import type { Entry } from './merge.ts';
import type { KpiConfig } from './schema.ts';
import { didYouMean } from './suggest.ts';
import { issueAt, positionInScalar } from './yaml-source.ts';

export interface FormulaCheck {
  parsed: Map<string, { ast: FormulaAst; inputs: string[] }>;
  /** Formula KPI ids, each after the formulas it reads; empty when there is a cycle. */
  order: string[];
  issues: ConfigIssue[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Where `name` first appears as a whole word in `formula`, for pointing at it. */
function indexOfName(formula: string, name: string): number {
  const match = new RegExp(`(?<![A-Za-z0-9_-])${escapeRegExp(name)}(?![A-Za-z0-9_-])`).exec(formula);
  return match?.index ?? -1;
}

/**
 * Parses every formula KPI, checks that it reads only defined KPIs and that formulas
 * do not depend on each other in a circle (reporting every cycle), and orders them so
 * inputs come first.
 */
export function checkFormulas(entries: readonly Entry<KpiConfig>[], knownKpis: ReadonlySet<string>): FormulaCheck {
  const check: FormulaCheck = { parsed: new Map(), order: [], issues: [] };
  const where = new Map<string, Entry<KpiConfig>>();
  for (const entry of entries) {
    const { value: kpi, origin, path: at } = entry;
    if (kpi.formula === undefined || origin.source === undefined) continue;
    const formulaPath = [...at, 'formula'];
    let ast: FormulaAst;
    try {
      ast = parseFormula(kpi.formula);
    } catch (error) {
      if (!(error instanceof FormulaSyntaxError)) throw error;
      const position = positionInScalar(origin.source, formulaPath, error.position);
      check.issues.push(issueAt(origin.source, formulaPath, `formula syntax error: ${error.message}`, position ? { position } : {}));
      continue;
    }
    const inputs = formulaInputs(ast);
    for (const input of inputs) {
      if (knownKpis.has(input)) continue;
      const position = positionInScalar(origin.source, formulaPath, indexOfName(kpi.formula, input));
      const message = `formula references unknown KPI "${input}"${didYouMean(input, knownKpis)}`;
      check.issues.push(issueAt(origin.source, formulaPath, message, position ? { position } : {}));
    }
    check.parsed.set(kpi.id, { ast, inputs });
    where.set(kpi.id, entry);
  }

  const graph = new Map<string, string[]>();
  for (const [id, { inputs }] of check.parsed) graph.set(id, inputs);
  // Every cycle, each at its first KPI's formula: fixing one and re-running to meet the next is slow.
  const cycles = findCycles(graph);
  for (const cycle of cycles) {
    const first = where.get(cycle[0]!);
    if (first?.origin.source) check.issues.push(issueAt(first.origin.source, [...first.path, 'formula'], `formula cycle: ${cycle.join(' → ')}`));
  }
  if (cycles.length > 0) return check;
  check.order = topologicalOrder(graph).filter((id) => check.parsed.has(id));
  return check;
}
