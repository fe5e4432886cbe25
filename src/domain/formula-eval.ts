import { formatFormula, type FormulaAst, type FormulaBinary, type FormulaCall } from './formula-ast.ts';
import { roundHalfAwayFromZero } from './rounding.ts';

export type FormulaResult = { ok: true; value: number } | { ok: false; reason: string };

/** Carries a reason out of the recursion; never escapes evaluateFormula. */
class Unevaluable {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

function input(values: Readonly<Record<string, number>>, id: string): number {
  // hasOwn, so "constructor" or "toString" never read Object.prototype.
  if (!Object.hasOwn(values, id)) throw new Unevaluable(`no value for "${id}"`);
  const value = values[id];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Unevaluable(`value for "${id}" is not a finite number (${String(value)})`);
  return value;
}

function binary(node: FormulaBinary, values: Readonly<Record<string, number>>): number {
  const left = evaluate(node.left, values);
  const right = evaluate(node.right, values);
  switch (node.op) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/': {
      if (right === 0) {
        const zero = node.right.kind === 'input' ? `${node.right.id} = 0` : `${formatFormula(node.right)} = 0`;
        throw new Unevaluable(`division by zero ("${formatFormula(node)}" with ${zero})`);
      }
      return left / right;
    }
  }
}

function call(node: FormulaCall, values: Readonly<Record<string, number>>): number {
  const args = node.args.map((arg) => evaluate(arg, values));
  switch (node.fn) {
    case 'min':
      return Math.min(...args);
    case 'max':
      return Math.max(...args);
    case 'abs':
      return Math.abs(args[0]!);
    case 'round': {
      const places = args[1] ?? 0;
      if (!Number.isInteger(places) || places < 0 || places > 15) {
        throw new Unevaluable(`round() places must be a whole number from 0 to 15 (got ${places} in "${formatFormula(node)}")`);
      }
      return roundHalfAwayFromZero(args[0]!, places);
    }
  }
}

function evaluate(node: FormulaAst, values: Readonly<Record<string, number>>): number {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'input':
      return input(values, node.id);
    case 'negate':
      return -evaluate(node.operand, values);
    case 'binary':
      return binary(node, values);
    case 'call':
      return call(node, values);
  }
}

/**
 * The formula's value given its inputs' values. Never throws for data: a missing or
 * non-finite input ('no value for "cac"'), a division by zero ('division by zero
 * ("ltv / cac" with cac = 0)'), a bad round() precision, or a result that is not finite
 * (an overflow) comes back as `{ ok: false, reason }`. -0 comes back as 0.
 */
export function evaluateFormula(ast: FormulaAst, values: Readonly<Record<string, number>>): FormulaResult {
  let value: number;
  try {
    value = evaluate(ast, values);
  } catch (error) {
    if (error instanceof Unevaluable) return { ok: false, reason: error.reason };
    throw error;
  }
  if (!Number.isFinite(value)) return { ok: false, reason: `"${formatFormula(ast)}" is not finite (${value})` };
  return { ok: true, value: value === 0 ? 0 : value };
}
