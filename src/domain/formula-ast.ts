/**
 * The syntax tree of a formula KPI's expression. `position` is the 0-based offset in the
 * source of the token that made the node (error columns are position + 1).
 */
export type FormulaAst = FormulaNumber | FormulaInput | FormulaNegate | FormulaBinary | FormulaCall;

export type FormulaFunction = 'min' | 'max' | 'abs' | 'round';
export type FormulaOperator = '+' | '-' | '*' | '/';

export interface FormulaNumber {
  kind: 'number';
  value: number;
  position: number;
}

/** A reference to another KPI's value by its id. */
export interface FormulaInput {
  kind: 'input';
  id: string;
  position: number;
}

export interface FormulaNegate {
  kind: 'negate';
  operand: FormulaAst;
  position: number;
}

export interface FormulaBinary {
  kind: 'binary';
  op: FormulaOperator;
  left: FormulaAst;
  right: FormulaAst;
  position: number;
}

export interface FormulaCall {
  kind: 'call';
  fn: FormulaFunction;
  args: FormulaAst[];
  position: number;
}

const PRECEDENCE: Record<FormulaOperator, number> = { '+': 1, '-': 1, '*': 2, '/': 2 };

function precedence(node: FormulaAst): number {
  if (node.kind === 'binary') return PRECEDENCE[node.op];
  return node.kind === 'negate' ? 3 : 4;
}

/**
 * Canonical text of a formula, with spaces around operators and only the parentheses the
 * tree needs: 'ltv / cac', 'a - (b - c)'. Parsing the text gives the same tree back.
 */
export function formatFormula(ast: FormulaAst): string {
  switch (ast.kind) {
    case 'number':
      return String(ast.value);
    case 'input':
      return ast.id;
    case 'negate':
      return `-${ast.operand.kind === 'binary' || ast.operand.kind === 'negate' ? `(${formatFormula(ast.operand)})` : formatFormula(ast.operand)}`;
    case 'call':
      return `${ast.fn}(${ast.args.map(formatFormula).join(', ')})`;
    case 'binary': {
      const p = PRECEDENCE[ast.op];
      const left = precedence(ast.left) < p ? `(${formatFormula(ast.left)})` : formatFormula(ast.left);
      const right = precedence(ast.right) <= p ? `(${formatFormula(ast.right)})` : formatFormula(ast.right);
      return `${left} ${ast.op} ${right}`;
    }
  }
}

/** The KPI ids a formula reads, each once, in order of first appearance. */
export function formulaInputs(ast: FormulaAst): string[] {
  const seen = new Set<string>();
  const stack: FormulaAst[] = [ast];
  // An explicit stack, walked right-to-left, keeps source order without recursion.
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.kind === 'input') seen.add(node.id);
    else if (node.kind === 'negate') stack.push(node.operand);
    else if (node.kind === 'binary') stack.push(node.right, node.left);
    else if (node.kind === 'call') for (let i = node.args.length - 1; i >= 0; i--) stack.push(node.args[i]!);
  }
  return [...seen];
}
