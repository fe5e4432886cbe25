import { describe, expect, it } from 'vitest';
import { FormulaCycleError, findCycle, findCycles, topologicalOrder } from '../../../src/domain/formula.ts';

const graph = (entries: Record<string, string[]>): Map<string, string[]> => new Map(Object.entries(entries));

describe('findCycle', () => {
  it('finds none in a DAG, including shared inputs (a diamond)', () => {
    expect(findCycle(graph({ ratio: ['ltv', 'cac'], ltv: ['arpu', 'churn'], cac: ['spend', 'new'], margin: ['ltv', 'cac'] }))).toBeUndefined();
    expect(findCycle(new Map())).toBeUndefined();
  });

  it('returns the cycle as a path that closes on itself', () => {
    expect(findCycle(graph({ a: ['b'], b: ['a'] }))).toEqual(['a', 'b', 'a']);
    expect(findCycle(graph({ x: ['a'], a: ['b'], b: ['c'], c: ['a'] }))).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(graph({ a: ['a'] }))).toEqual(['a', 'a']);
  });

  it('handles ids named like Object.prototype members', () => {
    expect(findCycle(graph({ constructor: ['tostring'], tostring: ['constructor'] }))).toEqual(['constructor', 'tostring', 'constructor']);
    expect(
      findCycle(
        new Map([
          ['__proto__', ['x']],
          ['x', []],
        ]),
      ),
    ).toBeUndefined();
  });

  it('walks a 100,000-long chain without overflowing the stack', () => {
    const long = new Map<string, string[]>();
    for (let i = 0; i < 100_000; i++) long.set(`k${i}`, [`k${i + 1}`]);
    expect(findCycle(long)).toBeUndefined();
    long.set('k100000', ['k0']);
    expect(findCycle(long)).toHaveLength(100_002);
  });
});

describe('findCycles', () => {
  it('finds none in a DAG', () => {
    expect(findCycles(graph({ ratio: ['ltv', 'cac'], ltv: ['arpu', 'churn'], margin: ['ltv', 'cac'] }))).toEqual([]);
    expect(findCycles(new Map())).toEqual([]);
  });

  it('returns every independent cycle, each in order from its first KPI, in graph order', () => {
    const g = graph({ ok: ['x'], a: ['b'], b: ['a'], p: ['q'], q: ['r'], r: ['p'], s: ['s'], t: ['a'] });
    expect(findCycles(g)).toEqual([
      ['a', 'b', 'a'],
      ['p', 'q', 'r', 'p'],
      ['s', 's'],
    ]);
  });

  it('names every KPI of a tangle: two cycles sharing a KPI are two mistakes', () => {
    expect(findCycles(graph({ a: ['b'], b: ['a', 'c'], c: ['b'] }))).toEqual([
      ['a', 'b', 'a'],
      ['c', 'b', 'c'],
    ]);
  });

  it('takes the shortest way round through the first KPI, then covers the KPIs that way skipped', () => {
    expect(findCycles(graph({ a: ['b', 'c'], b: ['c'], c: ['a'] }))).toEqual([
      ['a', 'c', 'a'],
      ['b', 'c', 'a', 'b'],
    ]);
  });

  it('walks a 100,000-long ring without overflowing the stack', () => {
    const ring = new Map<string, string[]>();
    for (let i = 0; i < 100_000; i++) ring.set(`k${i}`, [`k${(i + 1) % 100_000}`]);
    const cycles = findCycles(ring);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(100_001);
    expect(cycles[0]!.slice(0, 3)).toEqual(['k0', 'k1', 'k2']);
  });
});

describe('topologicalOrder', () => {
  it('puts every input before the formulas that read it', () => {
    const g = graph({ ratio: ['ltv', 'cac'], ltv: ['arpu', 'churn'], margin: ['ratio', 'ltv'] });
    const order = topologicalOrder(g);
    expect(order).toEqual(['arpu', 'churn', 'ltv', 'cac', 'ratio', 'margin']);
    for (const [id, inputs] of g) for (const input of inputs) expect(order.indexOf(input)).toBeLessThan(order.indexOf(id));
  });

  it('lists each id once, leaves included', () => {
    expect(topologicalOrder(graph({ a: ['x', 'x'], b: ['x'] }))).toEqual(['x', 'a', 'b']);
  });

  it('throws a FormulaCycleError naming the cycle', () => {
    let caught: unknown;
    try {
      topologicalOrder(graph({ a: ['b'], b: ['c'], c: ['a'] }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FormulaCycleError);
    expect((caught as FormulaCycleError).cycle).toEqual(['a', 'b', 'c', 'a']);
    expect((caught as Error).message).toBe('formulas depend on each other in a cycle: a → b → c → a');
  });
});
