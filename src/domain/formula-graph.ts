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
 * The strongly connected components that hold a cycle (two or more ids, or one id that
 * reads itself), by Tarjan's algorithm with an explicit stack.
 */
function cyclicComponents(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const enter = (id: string): void => {
    index.set(id, counter);
    low.set(id, counter);
    counter += 1;
    stack.push(id);
    onStack.add(id);
  };
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    enter(root);
    const frames: { id: string; next: number }[] = [{ id: root, next: 0 }];
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const inputs = graph.get(frame.id) ?? [];
      if (frame.next < inputs.length) {
        const input = inputs[frame.next]!;
        frame.next += 1;
        if (!index.has(input)) {
          enter(input);
          frames.push({ id: input, next: 0 });
        } else if (onStack.has(input)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(input)!));
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) !== index.get(frame.id)) continue;
      const component: string[] = [];
      let id: string;
      do {
        id = stack.pop()!;
        onStack.delete(id);
        component.push(id);
      } while (id !== frame.id);
      if (component.length > 1 || inputs.includes(frame.id)) components.push(component);
    }
  }
  return components;
}

/** The shortest path from `start` back to itself inside `members` (breadth first, inputs in order). */
function shortestCycleThrough(graph: ReadonlyMap<string, readonly string[]>, start: string, members: ReadonlySet<string>): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head += 1) {
    const id = queue[head]!;
    for (const input of graph.get(id) ?? []) {
      if (input === start) {
        const back: string[] = [];
        for (let at = id; at !== start; at = parent.get(at)!) back.push(at);
        return [start, ...back.reverse(), start];
      }
      if (!members.has(input) || parent.has(input)) continue;
      parent.set(input, id);
      queue.push(input);
    }
  }
  // Unreachable for a member of a cyclic component; a path to itself is the honest fallback.
  return [start, start];
}

/**
 * Every cycle an operator has to break, not only the first: one per independent group
 * of formulas that read each other, and within a group as many as it takes to name
 * each of its KPIs at least once (a → b → a and b → c → b share b but are two
 * mistakes). Each cycle is the shortest one through its first KPI in graph order,
 * e.g. ['a', 'b', 'a']; cycles come in the order of their first KPI.
 */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const position = new Map<string, number>();
  for (const [id, inputs] of graph) {
    if (!position.has(id)) position.set(id, position.size);
    for (const input of inputs) if (!position.has(input)) position.set(input, position.size);
  }
  const byPosition = (a: string, b: string) => position.get(a)! - position.get(b)!;
  const cycles: string[][] = [];
  for (const component of cyclicComponents(graph)) {
    const members = new Set(component);
    const named = new Set<string>();
    for (const start of component.sort(byPosition)) {
      if (named.has(start)) continue;
      const cycle = shortestCycleThrough(graph, start, members);
      for (const id of cycle) named.add(id);
      cycles.push(cycle);
    }
  }
  return cycles.sort((a, b) => byPosition(a[0]!, b[0]!));
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
