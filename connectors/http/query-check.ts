import { ConfigError, renderTemplate, type z } from '../../src/sdk/index.ts';
import { jsonataProblem, jsonPathProblem } from './expression.ts';
import { renderPath, SAMPLE_VARIABLES, stringLeaves } from './template.ts';

/** The parts of a parsed query the checks read (the schema's output type, without importing it back). */
interface CheckedQuery {
  method: 'GET' | 'POST';
  path: string;
  params: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
  pick: { jsonpath?: string | undefined; jsonata?: string | undefined };
  pagination?: { type: string; in?: 'query' | 'body'; cursorPath?: string; totalPagesPath?: string | undefined } | undefined;
}

type Path = Array<string | number>;

/**
 * What the query schema checks beyond field types, so a mistake shows when the config
 * loads rather than at the first sync: every placeholder names a known variable, the
 * expressions compile, and the parts fit together (a body needs POST).
 */
export function checkQuery(query: CheckedQuery, ctx: z.RefinementCtx): void {
  const issue = (path: Path, message: string) => ctx.addIssue({ code: 'custom', path, message });
  const templateIssue = (path: Path, render: () => unknown) => {
    try {
      render();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issue(path, error.message);
    }
  };

  templateIssue(['path'], () => renderPath(query.path, SAMPLE_VARIABLES));
  for (const [key, value] of Object.entries(query.params)) templateIssue(['params', key], () => renderTemplate(value, SAMPLE_VARIABLES));
  for (const [key, value] of Object.entries(query.headers)) templateIssue(['headers', key], () => renderTemplate(value, SAMPLE_VARIABLES));
  for (const leaf of stringLeaves(query.body)) templateIssue(['body', ...leaf.path], () => renderTemplate(leaf.text, SAMPLE_VARIABLES));

  if (query.body !== undefined && query.method !== 'POST') issue(['body'], 'a body is only sent with method: POST');

  const { jsonpath, jsonata } = query.pick;
  if ((jsonpath === undefined) === (jsonata === undefined)) {
    issue(['pick'], 'give exactly one of jsonpath or jsonata');
  } else if (jsonpath !== undefined) {
    const problem = jsonPathProblem(jsonpath);
    if (problem) issue(['pick', 'jsonpath'], `not a usable JSONPath: ${problem}`);
  } else if (jsonata !== undefined) {
    const problem = jsonataProblem(jsonata);
    if (problem) issue(['pick', 'jsonata'], `not a JSONata expression: ${problem}`);
  }

  const paging = query.pagination;
  if (paging === undefined) return;
  for (const key of ['cursorPath', 'totalPagesPath'] as const) {
    const path = paging[key];
    const problem = path === undefined ? undefined : jsonPathProblem(path);
    if (problem) issue(['pagination', key], `not a usable JSONPath: ${problem}`);
  }
  if (paging.in === 'body') {
    if (query.method !== 'POST') issue(['pagination', 'in'], 'a parameter in the body needs method: POST');
    else if (query.body !== undefined && (query.body === null || typeof query.body !== 'object' || Array.isArray(query.body))) {
      issue(['body'], 'to carry the paging parameter, the body must be a JSON object');
    }
  }
}
