import { describe, expect, it } from 'vitest';
import { FormulaCycleError, findCycle, topologicalOrder } from '../../../src/domain/formula.ts';

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
    expect(findCycle(new Map([['__proto__', ['x']], ['x', []]]))).toBeUndefined();
  });

  it('walks a 100,000-long chain without overflowing the stack', () => {
    const long = new Map<string, string[]>();
    for (let i = 0; i < 100_000; i++) long.set(`k${i}`, [`k${i + 1}`]);
    expect(findCycle(long)).toBeUndefined();
    long.set('k100000', ['k0']);
    expect(findCycle(long)).toHaveLength(100_002);
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
