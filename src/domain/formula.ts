import type { FormulaAst, FormulaFunction, FormulaOperator } from './formula-ast.ts';

export type { FormulaAst, FormulaBinary, FormulaCall, FormulaFunction, FormulaInput, FormulaNegate, FormulaNumber, FormulaOperator } from './formula-ast.ts';
export { formatFormula, formulaInputs } from './formula-ast.ts';
export { evaluateFormula, type FormulaResult } from './formula-eval.ts';
export { FormulaCycleError, findCycle, findCycles, topologicalOrder } from './formula-graph.ts';

/** A formula that does not parse; `position` is the 0-based offset, the message says column position + 1. */
export class FormulaSyntaxError extends Error {
  readonly position: number;

  constructor(message: string, position: number) {
    super(message);
    this.name = 'FormulaSyntaxError';
    this.position = position;
  }
}

/** Nesting (parentheses, calls, unary minus) past this is refused rather than risk the stack. */
export const MAX_FORMULA_NESTING = 1000;
/** Long enough for any real formula; bounds the depth of a flat `a + b + …` chain too. */
export const MAX_FORMULA_LENGTH = 10_000;

const ARITY: Record<FormulaFunction, { min: number; max: number }> = {
  min: { min: 1, max: Infinity },
  max: { min: 1, max: Infinity },
  abs: { min: 1, max: 1 },
  round: { min: 1, max: 2 },
};

type Token =
  | { type: 'number'; value: number; text: string; position: number }
  | { type: 'id'; text: string; position: number }
  | { type: 'punct'; text: '+' | '-' | '*' | '/' | '(' | ')' | ','; position: number }
  | { type: 'end'; text: ''; position: number };

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isIdStart(c: number): boolean {
  return c >= 97 && c <= 122;
}

function isIdPart(c: number): boolean {
  return isIdStart(c) || isDigit(c) || c === 95 || c === 45;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c) || (c === 46 && isDigit(source.charCodeAt(i + 1)))) {
      while (isDigit(source.charCodeAt(i))) i++;
      if (source[i] === '.') {
        i++;
        if (!isDigit(source.charCodeAt(i))) throw new FormulaSyntaxError(`malformed number "${source.slice(start, i)}" at column ${start + 1}`, start);
        while (isDigit(source.charCodeAt(i))) i++;
      }
      if (source[i] === 'e' || source[i] === 'E') {
        i++;
        if (source[i] === '+' || source[i] === '-') i++;
        if (!isDigit(source.charCodeAt(i))) throw new FormulaSyntaxError(`malformed number "${source.slice(start, i)}" at column ${start + 1}`, start);
        while (isDigit(source.charCodeAt(i))) i++;
      }
      const text = source.slice(start, i);
      const value = Number(text);
      if (!Number.isFinite(value)) throw new FormulaSyntaxError(`number "${text}" is too large at column ${start + 1}`, start);
      tokens.push({ type: 'number', value, text, position: start });
    } else if (isIdStart(c)) {
      while (isIdPart(source.charCodeAt(i))) i++;
      tokens.push({ type: 'id', text: source.slice(start, i), position: start });
    } else if (c === 43 || c === 45 || c === 42 || c === 47 || c === 40 || c === 41 || c === 44) {
      tokens.push({ type: 'punct', text: source[i] as '+', position: start });
      i++;
    } else {
      const shown = String.fromCodePoint(source.codePointAt(i)!);
      const hint = c >= 65 && c <= 90 ? ' (KPI ids and functions are lower-case)' : '';
      throw new FormulaSyntaxError(`unexpected ${JSON.stringify(shown)} at column ${start + 1}${hint}`, start);
    }
    const next = source.charCodeAt(i);
    if (tokens.at(-1)!.type === 'number' && (isIdStart(next) || next === 95 || next === 46)) {
      throw new FormulaSyntaxError(`unexpected ${JSON.stringify(source[i])} at column ${i + 1}`, i);
    }
  }
  tokens.push({ type: 'end', text: '', position: source.length });
  return tokens;
}

/**
 * Parses a formula over other KPIs: numbers (2, 0.5, .5, 1e3), KPI ids, + - * /, unary
 * minus, parentheses, and min(a, …), max(a, …), abs(x), round(x[, places]). Usual
 * precedence; operators of one precedence group left to right.
 *
 * KPI ids may contain '-' (as config ids do), so `a-b` is the KPI "a-b": subtraction
 * needs a space before the minus (`a - b` or `a -b`). Throws FormulaSyntaxError.
 */
export function parseFormula(source: string): FormulaAst {
  if (source.length > MAX_FORMULA_LENGTH) {
    throw new FormulaSyntaxError(`formula is longer than ${MAX_FORMULA_LENGTH} characters`, MAX_FORMULA_LENGTH);
  }
  const tokens = tokenize(source);
  let at = 0;
  const peek = (): Token => tokens[at]!;
  const take = (): Token => tokens[at++]!;

  const unexpected = (token: Token, context = ''): FormulaSyntaxError => {
    const what = token.type === 'end' ? 'end of formula' : JSON.stringify(token.text);
    return new FormulaSyntaxError(`unexpected ${what} at column ${token.position + 1}${context}`, token.position);
  };
  const deeper = (depth: number, token: Token): number => {
    if (depth >= MAX_FORMULA_NESTING) {
      throw new FormulaSyntaxError(`formula nests deeper than ${MAX_FORMULA_NESTING} levels at column ${token.position + 1}`, token.position);
    }
    return depth + 1;
  };

  function expression(depth: number): FormulaAst {
    let left = term(depth);
    for (let t = peek(); t.type === 'punct' && (t.text === '+' || t.text === '-'); t = peek()) {
      take();
      left = { kind: 'binary', op: t.text as FormulaOperator, left, right: term(depth), position: t.position };
    }
    return left;
  }

  function term(depth: number): FormulaAst {
    let left = unary(depth);
    for (let t = peek(); t.type === 'punct' && (t.text === '*' || t.text === '/'); t = peek()) {
      take();
      left = { kind: 'binary', op: t.text as FormulaOperator, left, right: unary(depth), position: t.position };
    }
    return left;
  }

  function unary(depth: number): FormulaAst {
    const t = peek();
    if (t.type === 'punct' && t.text === '-') {
      take();
      return { kind: 'negate', operand: unary(deeper(depth, t)), position: t.position };
    }
    return primary(depth);
  }

  function primary(depth: number): FormulaAst {
    const t = take();
    if (t.type === 'number') return { kind: 'number', value: t.value, position: t.position };
    if (t.type === 'punct' && t.text === '(') {
      const inner = expression(deeper(depth, t));
      close(t);
      return inner;
    }
    if (t.type !== 'id') throw unexpected(t, t.type === 'end' ? ' (expected a number, a KPI id or "(")' : '');
    const open = peek();
    if (!(open.type === 'punct' && open.text === '(')) return { kind: 'input', id: t.text, position: t.position };
    if (!Object.hasOwn(ARITY, t.text)) {
      throw new FormulaSyntaxError(`unknown function "${t.text}" at column ${t.position + 1} (known: min, max, abs, round)`, t.position);
    }
    take();
    const fn = t.text as FormulaFunction;
    const args: FormulaAst[] = [];
    const inner = deeper(depth, open);
    if (!(peek().type === 'punct' && peek().text === ')')) {
      args.push(expression(inner));
      while (peek().type === 'punct' && peek().text === ',') {
        take();
        args.push(expression(inner));
      }
    }
    close(open);
    const { min, max } = ARITY[fn];
    if (args.length < min || args.length > max) {
      const wanted = min === max ? `${min} argument${min === 1 ? '' : 's'}` : max === Infinity ? `at least ${min} argument` : `${min} or ${max} arguments`;
      throw new FormulaSyntaxError(`${fn}() takes ${wanted}, got ${args.length} at column ${t.position + 1}`, t.position);
    }
    return { kind: 'call', fn, args, position: t.position };
  }

  function close(open: Token): void {
    const t = take();
    if (t.type === 'punct' && t.text === ')') return;
    throw unexpected(t, ` (expected ")" to close the "(" at column ${open.position + 1})`);
  }

  if (peek().type === 'end') throw new FormulaSyntaxError('empty formula', 0);
  const ast = expression(0);
  const rest = peek();
  if (rest.type !== 'end') throw unexpected(rest);
  return ast;
}
