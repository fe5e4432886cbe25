import { createRequire } from 'node:module';
import type jsonataModule from 'jsonata';
import type { JSONPath as JSONPathFunction } from 'jsonpath-plus';
import { QueryError } from '../../src/sdk/index.ts';

/**
 * JSONPath (jsonpath-plus) and JSONata, loaded on first use, never when the connector
 * module is imported. They are loaded with `require` rather than `import()` because a
 * bad expression must be a config error, found by the query schema's refinement, and a
 * refinement that awaited would break every synchronous `querySchema.parse` (the
 * conformance suite's among them).
 */
const load = createRequire(import.meta.url);
let jsonpathLib: { JSONPath: typeof JSONPathFunction } | undefined;
let jsonataLib: typeof jsonataModule | undefined;

function jsonpath(): typeof JSONPathFunction {
  jsonpathLib ??= load('jsonpath-plus') as { JSONPath: typeof JSONPathFunction };
  return jsonpathLib.JSONPath;
}

function jsonata(): typeof jsonataModule {
  jsonataLib ??= load('jsonata') as typeof jsonataModule;
  return jsonataLib;
}

/** Evaluates one expression against a response body; `undefined` when it matched nothing. */
export interface Expression {
  readonly source: string;
  evaluate(body: unknown): Promise<unknown>;
}

/**
 * Bounds for JSONata evaluation (https://docs.jsonata.org/embedding-extending#options):
 * a runaway expression over a large body ends with an error instead of holding the worker.
 */
const JSONATA_LIMITS = { timeout: 5_000, stack: 500 };

/** Why `path` is not a JSONPath this connector can run, or undefined. */
export function jsonPathProblem(path: string): string | undefined {
  if (!path.startsWith('$')) return 'a JSONPath starts with $, e.g. $.data.total';
  const unbalanced = bracketProblem(path);
  if (unbalanced) return unbalanced;
  const JSONPath = jsonpath();
  // Filters and script segments are parsed by jsonpath-plus's safe evaluator (jsep) only when
  // they first run; parse them now so a typo is found when the config loads.
  const Script = (JSONPath.prototype as unknown as { safeVm: { Script: new (code: string) => unknown } }).safeVm.Script;
  for (const segment of JSONPath.toPathArray(path)) {
    const script = /^\??\((.*)\)$/s.exec(segment)?.[1];
    if (script === undefined) continue;
    try {
      new Script(script.replace(/@(parentProperty|parent|property|root|path)/g, '_$$_$1').replace(/@([.\s)[]|$)/g, '_$$_v$1'));
    } catch (error) {
      return `the expression ${JSON.stringify(segment)} does not parse: ${(error as Error).message}`;
    }
  }
  return undefined;
}

/** Why `source` is not a JSONata expression, or undefined. */
export function jsonataProblem(source: string): string | undefined {
  try {
    jsonata()(source);
    return undefined;
  } catch (error) {
    const e = error as { message?: string; position?: number };
    return `${e.message ?? String(error)}${typeof e.position === 'number' ? ` (at character ${e.position})` : ''}`;
  }
}

/** A compiled JSONPath; several matches come back as a list, one as itself. */
export function compileJsonPath(path: string, field: string): Expression {
  const problem = jsonPathProblem(path);
  if (problem) throw new QueryError(`${field}: ${problem}`);
  const JSONPath = jsonpath();
  return {
    source: path,
    async evaluate(body) {
      if (body === undefined || body === null) return undefined;
      let matches: unknown[];
      try {
        matches = JSONPath({ path, json: body as object, wrap: true, eval: 'safe' }) as unknown[];
      } catch (error) {
        throw new QueryError(`${field} ${path} failed on the response: ${(error as Error).message}`);
      }
      if (!Array.isArray(matches) || matches.length === 0) return undefined;
      return matches.length === 1 ? matches[0] : matches;
    },
  };
}

export function compileJsonata(source: string, field: string): Expression {
  const problem = jsonataProblem(source);
  if (problem) throw new QueryError(`${field}: ${problem}`);
  const expression = jsonata()(source, JSONATA_LIMITS);
  return {
    source,
    async evaluate(body) {
      try {
        return plain(await expression.evaluate(body));
      } catch (error) {
        const e = error as { message?: string; code?: string };
        throw new QueryError(`${field} failed on the response: ${e.code ? `${e.code} ` : ''}${e.message ?? String(error)}`);
      }
    },
  };
}

/** JSONata marks result sequences with extra array properties; hand back plain values. */
function plain(value: unknown): unknown {
  return Array.isArray(value) ? [...value] : value;
}

/** Unclosed quotes, brackets or parentheses, which jsonpath-plus would silently read as names. */
function bracketProblem(path: string): string | undefined {
  const open: string[] = [];
  let quote: string | undefined;
  for (const char of path) {
    if (quote) {
      if (char === quote) quote = undefined;
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    else if (char === '[' || char === '(') open.push(char);
    else if (char === ']' || char === ')') {
      const expected = char === ']' ? '[' : '(';
      if (open.pop() !== expected) return `unbalanced "${char}"`;
    }
  }
  if (quote) return `unclosed ${quote} quote`;
  if (open.length > 0) return `unclosed "${open[open.length - 1]}"`;
  return undefined;
}
