/**
 * Dependency order of formula KPIs. A graph maps each KPI id to the ids it reads; an id
 * that appears only as an input (a KPI with a source) is a leaf. Both walks use explicit
 * stacks, so a chain of any length cannot overflow the call stack, and both follow the
 * map's insertion order and each input list's order, so results are deterministic.
 */

/** A cycle among formulas; `cycle` starts and ends with the same id, e.g. ['a', 'b', 'a']. */
export class FormulaCycleError extends Error {
  readonly cycle: string[];

  constructor(cycle: string[]) {
    super(`formulas depend on each other in a cycle: ${cycle.join(' → ')}`);
    this.name = 'FormulaCycleError';
    this.cycle = cycle;
  }
}

const VISITING = 1;
const DONE = 2;

/**
 * Depth-first walk calling `finish` on each node after all its inputs. Returns the first
 * cycle met, as a path that starts and ends with the same id.
 */
function walk(graph: ReadonlyMap<string, readonly string[]>, finish: (id: string) => void): string[] | undefined {
  const state = new Map<string, number>();
  const path: string[] = [];
  const next: number[] = [];
  for (const root of graph.keys()) {
    if (state.has(root)) continue;
    state.set(root, VISITING);
    path.push(root);
    next.push(0);
    while (path.length > 0) {
      const top = path.length - 1;
      const id = path[top]!;
      const inputs = graph.get(id) ?? [];
      const i = next[top]!;
      if (i >= inputs.length) {
        state.set(id, DONE);
        finish(id);
        path.pop();
        next.pop();
        continue;
      }
      next[top] = i + 1;
      const input = inputs[i]!;
      const seen = state.get(input);
      if (seen === VISITING) return [...path.slice(path.indexOf(input)), input];
      if (seen === DONE) continue;
      state.set(input, VISITING);
      path.push(input);
      next.push(0);
    }
  }
  return undefined;
}

/** A dependency cycle, e.g. ['a', 'b', 'a'] when a reads b and b reads a; undefined when there is none. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  return walk(graph, () => {});
}

/**
 * Every id in the graph (keys and inputs), each after all the ids it reads: evaluating
 * in this order finds every input already computed. Throws FormulaCycleError on a cycle.
 */
export function topologicalOrder(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const order: string[] = [];
  const cycle = walk(graph, (id) => order.push(id));
  if (cycle) throw new FormulaCycleError(cycle);
  return order;
}
