import { describe, expect, it } from 'vitest';
import { evaluateFormula, formatFormula, FormulaSyntaxError, formulaInputs, parseFormula } from '../../../src/domain/formula.ts';

const evaluate = (source: string, values: Record<string, number> = {}) => evaluateFormula(parseFormula(source), values);
const value = (source: string, values: Record<string, number> = {}): number => {
  const result = evaluate(source, values);
  if (!result.ok) throw new Error(result.reason);
  return result.value;
};

function syntaxError(source: string): FormulaSyntaxError {
  try {
    parseFormula(source);
  } catch (error) {
    if (error instanceof FormulaSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(source)} not to parse`);
}

describe('parseFormula and evaluateFormula', () => {
  it('evaluates a ratio of two KPIs', () => {
    expect(value('ltv / cac', { ltv: 900, cac: 300 })).toBe(3);
  });

  it('follows the usual precedence and left-to-right order', () => {
    expect(value('1 + 2 * 3')).toBe(7);
    expect(value('(1 + 2) * 3')).toBe(9);
    expect(value('10 - 4 - 3')).toBe(3);
    expect(value('100 / 10 / 5')).toBe(2);
    expect(value('2 * -3')).toBe(-6);
    expect(value('-2 * 3 + 10')).toBe(4);
    expect(value('- -4')).toBe(4);
    expect(value('-(1 - 3)')).toBe(2);
  });

  it('reads decimals and exponents', () => {
    expect(value('0.25 + .75')).toBe(1);
    expect(value('1e3 + 2.5E-1 + 1e+1')).toBe(1010.25);
    expect(value('3-2')).toBe(1);
  });

  it('calls min, max, abs and round', () => {
    expect(value('min(a, b, 7)', { a: 9, b: 8 })).toBe(7);
    expect(value('max(a)', { a: -1 })).toBe(-1);
    expect(value('abs(a - b)', { a: 2, b: 5 })).toBe(3);
    expect(value('round(a / b, 2)', { a: 1, b: 3 })).toBe(0.33);
    expect(value('round(1.005, 2)')).toBe(1.01);
    expect(value('round(-2.5)')).toBe(-3);
  });

  it('reads ids with "-" and "_" as one KPI, so subtraction needs a space', () => {
    expect(formulaInputs(parseFormula('net-revenue - refunds_total'))).toEqual(['net-revenue', 'refunds_total']);
    expect(value('a-b', { 'a-b': 5, a: 1, b: 1 })).toBe(5);
    expect(value('a -b', { a: 5, b: 1 })).toBe(4);
    expect(value('a - b', { a: 5, b: 1 })).toBe(4);
  });

  it('treats a function name without "(" as a KPI id', () => {
    expect(value('min + 1', { min: 4 })).toBe(5);
  });

  it('explains a missing or unusable input', () => {
    expect(evaluate('ltv / cac', { ltv: 1 })).toEqual({ ok: false, reason: 'no value for "cac"' });
    expect(evaluate('ltv / cac', { ltv: 1, cac: Number.NaN })).toEqual({ ok: false, reason: 'value for "cac" is not a finite number (NaN)' });
  });

  it('explains a division by zero', () => {
    expect(evaluate('ltv / cac', { ltv: 1, cac: 0 })).toEqual({ ok: false, reason: 'division by zero ("ltv / cac" with cac = 0)' });
    expect(evaluate('a / (b - c)', { a: 1, b: 2, c: 2 })).toEqual({ ok: false, reason: 'division by zero ("a / (b - c)" with b - c = 0)' });
    expect(evaluate('0 / 0')).toEqual({ ok: false, reason: 'division by zero ("0 / 0" with 0 = 0)' });
  });

  it('reports a result that is not finite, and a bad round() precision', () => {
    expect(evaluate('a * a', { a: 1e200 })).toEqual({ ok: false, reason: '"a * a" is not finite (Infinity)' });
    expect(evaluate('round(a, 1.5)', { a: 1 })).toMatchObject({ ok: false, reason: expect.stringMatching(/round\(\) places must be a whole number/) });
    expect(evaluate('round(a, -1)', { a: 1 }).ok).toBe(false);
  });

  it('never reads inherited properties of the values object', () => {
    expect(evaluate('constructor + 1', {})).toEqual({ ok: false, reason: 'no value for "constructor"' });
    expect(evaluate('tostring + valueof', {})).toEqual({ ok: false, reason: 'no value for "tostring"' });
    const nullProto = Object.create(null) as Record<string, number>;
    nullProto.a = 2;
    expect(value('a * 2', nullProto)).toBe(4);
    expect(evaluate('hasownproperty', nullProto)).toEqual({ ok: false, reason: 'no value for "hasownproperty"' });
  });

  it('returns 0, not -0', () => {
    expect(Object.is(value('-a', { a: 0 }), 0)).toBe(true);
  });
});

describe('syntax errors', () => {
  it('names the column of an unexpected token', () => {
    const error = syntaxError('(a + b))');
    expect(error.message).toBe('unexpected ")" at column 8');
    expect(error.position).toBe(7);
    expect(error.name).toBe('FormulaSyntaxError');
    expect(error).toBeInstanceOf(Error);
    expect(syntaxError('ltv / ) cac').message).toBe('unexpected ")" at column 7');
  });

  it('reports an unclosed parenthesis and a missing operand', () => {
    expect(syntaxError('(a + b').message).toBe('unexpected end of formula at column 7 (expected ")" to close the "(" at column 1)');
    expect(syntaxError('a +').message).toBe('unexpected end of formula at column 4 (expected a number, a KPI id or "(")');
    expect(syntaxError('a b').message).toBe('unexpected "b" at column 3');
    expect(syntaxError('* a').message).toBe('unexpected "*" at column 1');
    expect(syntaxError('min(a,)').message).toBe('unexpected ")" at column 7');
  });

  it('rejects empty input, unknown characters, upper case and bad numbers', () => {
    expect(syntaxError('').message).toBe('empty formula');
    expect(syntaxError('   ').message).toBe('empty formula');
    expect(syntaxError('a ^ 2').message).toBe('unexpected "^" at column 3');
    expect(syntaxError('LTV / cac').message).toBe('unexpected "L" at column 1 (KPI ids and functions are lower-case)');
    expect(syntaxError('1.').message).toBe('malformed number "1." at column 1');
    expect(syntaxError('2e').message).toBe('malformed number "2e" at column 1');
    expect(syntaxError('2x').message).toBe('unexpected "x" at column 2');
    expect(syntaxError('1.2.3').message).toBe('unexpected "." at column 4');
    expect(syntaxError('1e999').message).toBe('number "1e999" is too large at column 1');
    expect(syntaxError('a 🙂').message).toBe('unexpected "🙂" at column 3');
  });

  it('rejects ids that are not KPI ids, such as __proto__', () => {
    expect(syntaxError('__proto__').message).toBe('unexpected "_" at column 1');
    expect(syntaxError('a.b').message).toBe('unexpected "." at column 2');
    expect(syntaxError('1 + $x').message).toBe('unexpected "$" at column 5');
  });

  it('checks function names and argument counts', () => {
    expect(syntaxError('sqrt(a)').message).toBe('unknown function "sqrt" at column 1 (known: min, max, abs, round)');
    expect(syntaxError('abs(a, b)').message).toBe('abs() takes 1 argument, got 2 at column 1');
    expect(syntaxError('1 + round()').message).toBe('round() takes 1 or 2 arguments, got 0 at column 5');
    expect(syntaxError('max()').message).toBe('max() takes at least 1 argument, got 0 at column 1');
  });

  it('parses 1000 levels of parentheses and refuses more with a clean error', () => {
    const nested = (n: number): string => `${'('.repeat(n)}a${')'.repeat(n)}`;
    expect(value(nested(1000), { a: 3 })).toBe(3);
    expect(syntaxError(nested(1001)).message).toBe('formula nests deeper than 1000 levels at column 1001');
    expect(syntaxError(nested(4000)).message).toMatch(/nests deeper than 1000 levels/);
    expect(syntaxError(`${'-'.repeat(2000)}1`).message).toMatch(/nests deeper than 1000 levels/);
    expect(syntaxError(`${'abs('.repeat(1200)}1${')'.repeat(1200)}`).message).toMatch(/nests deeper than 1000 levels/);
  });

  it('evaluates a long flat chain and refuses an overlong formula', () => {
    const chain = Array.from({ length: 2500 }, () => 'a').join('+');
    expect(value(chain, { a: 1 })).toBe(2500);
    expect(syntaxError('a'.repeat(10_001)).message).toBe('formula is longer than 10000 characters');
  });

  it('survives garbage without throwing anything but FormulaSyntaxError', () => {
    let seed = 42;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const alphabet = 'ab(),+-*/. 0123456789eE_min max abs round\t\n$%';
    for (let i = 0; i < 2000; i++) {
      const source = Array.from({ length: 1 + Math.floor(random() * 20) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      try {
        const ast = parseFormula(source);
        expect(typeof evaluateFormula(ast, { a: 1, b: 0 }).ok).toBe('boolean');
        expect(parseFormula(formatFormula(ast))).toEqual(stripPositions(ast));
      } catch (error) {
        if (!(error instanceof FormulaSyntaxError)) throw error;
        expect(error.position).toBeGreaterThanOrEqual(0);
        expect(error.position).toBeLessThanOrEqual(source.length);
      }
    }
  });
});

/** Positions differ between a source and its canonical text; the tree must not. */
function stripPositions<T>(ast: T): T {
  return expect.objectContaining(
    Object.fromEntries(
      Object.entries(ast as Record<string, unknown>)
        .filter(([key]) => key !== 'position')
        .map(([key, v]) => [key, Array.isArray(v) ? v.map(stripPositions) : v !== null && typeof v === 'object' ? stripPositions(v) : v]),
    ),
  ) as T;
}

describe('formulaInputs and formatFormula', () => {
  it('lists each input once in order of first use', () => {
    expect(formulaInputs(parseFormula('(b + a) / max(b, c, 2) - a'))).toEqual(['b', 'a', 'c']);
    expect(formulaInputs(parseFormula('1 + 2'))).toEqual([]);
  });

  it('prints the canonical text with only the parentheses needed', () => {
    expect(formatFormula(parseFormula('(ltv)/(cac)'))).toBe('ltv / cac');
    expect(formatFormula(parseFormula('a-(b-c)'.replace(/-/g, ' - ')))).toBe('a - (b - c)');
    expect(formatFormula(parseFormula('(a - b) - c'))).toBe('a - b - c');
    expect(formatFormula(parseFormula('(a + b) * -(c)'))).toBe('(a + b) * -c');
    expect(formatFormula(parseFormula('-(a*b)'))).toBe('-(a * b)');
    expect(formatFormula(parseFormula('round( a /b ,2)'))).toBe('round(a / b, 2)');
  });
});
