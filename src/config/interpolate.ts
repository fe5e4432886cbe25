import path from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node, Pair, Scalar } from 'yaml';
import type { ConfigIssue, ConfigPath } from './issue.ts';
import { issueAt, keyName } from './yaml-source.ts';
import type { YamlSource } from './yaml-source.ts';
import { SecretFileProblem } from './secret-file.ts';

export interface InterpolationOptions {
  env: Record<string, string | undefined>;
  /** Reads a `${file:}` reference (see readSecretFile: regular files only, capped, with a deadline). */
  readSecretFile: (file: string) => Promise<string>;
}

export interface InterpolationResult {
  issues: ConfigIssue[];
  /** Every substituted value: interpolation is how secrets arrive. */
  secrets: string[];
  /** Scalars that received a substitution; their values never appear in messages. */
  sensitive: Set<Node>;
  /** Scalars with a reference that could not be resolved (already reported; left as written). */
  unresolved: Set<Node>;
}

/** `${NAME}`, `${file:path}`; a leading extra `$` (`$${...}`) escapes it. */
const REFERENCE = /\$(\$?)\{([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FILE_PREFIX = 'file:';

type Resolved = { value: string } | { problem: string; missing: boolean };

/**
 * Substitutes `${ENV_VAR}` and `${file:path}` in every string scalar value (not keys)
 * of the document, in place, before schema validation. A `${file:}` path is relative
 * to the YAML file's folder and loses its trailing newlines. A value stays a string:
 * `concurrency: ${N}` is not re-read as a number.
 */
export async function interpolate(source: YamlSource, options: InterpolationOptions): Promise<InterpolationResult> {
  const result: InterpolationResult = { issues: [], secrets: [], sensitive: new Set(), unresolved: new Set() };
  const scalars: { node: Scalar<string>; path: ConfigPath }[] = [];
  const collect = (node: unknown, at: ConfigPath): void => {
    if (isMap(node)) for (const pair of node.items as Pair<unknown, unknown>[]) collect(pair.value, [...at, keyName(pair.key)]);
    else if (isSeq(node)) {
      for (const [index, item] of node.items.entries()) collect(item, [...at, index]);
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('${')) scalars.push({ node: node as Scalar<string>, path: at });
  };
  collect(source.doc.contents, []);

  const baseDir = path.dirname(source.file);
  for (const { node, path: at } of scalars) {
    let output = '';
    let last = 0;
    let substituted = false;
    let failed = false;
    for (const match of node.value.matchAll(REFERENCE)) {
      const [whole, escaped, body = ''] = match;
      output += node.value.slice(last, match.index);
      last = match.index + whole.length;
      if (escaped === '$') {
        output += whole.slice(1);
        continue;
      }
      const resolved = await resolveReference(body, baseDir, options);
      if ('problem' in resolved) {
        result.issues.push(issueAt(source, at, resolved.problem, resolved.missing ? { code: 'KS_ERR_SECRET_MISSING' } : {}));
        failed = true;
        continue;
      }
      output += resolved.value;
      substituted = true;
      if (resolved.value !== '') result.secrets.push(resolved.value);
    }
    if (substituted) result.sensitive.add(node);
    // A half-resolved value would only cause a second, misleading error at the same place.
    if (failed) result.unresolved.add(node);
    else node.value = output + node.value.slice(last);
  }
  return result;
}

async function resolveReference(body: string, baseDir: string, options: InterpolationOptions): Promise<Resolved> {
  if (body.startsWith(FILE_PREFIX)) {
    const reference = body.slice(FILE_PREFIX.length).trim();
    if (reference === '') return { problem: '${file:} needs a path, e.g. ${file:./secrets/token.txt}', missing: false };
    const resolvedPath = path.resolve(baseDir, reference);
    try {
      const content = await options.readSecretFile(resolvedPath);
      return { value: content.replace(/(\r?\n)+$/, '') };
    } catch (error) {
      return { problem: `cannot read secret file "${reference}" (${resolvedPath}): ${describeFsError(error)}`, missing: true };
    }
  }
  const name = body.trim();
  if (!ENV_NAME.test(name)) {
    return { problem: `"\${${body}}" is not a valid reference: use \${ENV_VAR}, \${file:path}, or $\${...} for a literal`, missing: false };
  }
  const value = options.env[name];
  if (value === undefined) return { problem: `environment variable ${name} is not set`, missing: true };
  return { value };
}

function describeFsError(error: unknown): string {
  if (error instanceof SecretFileProblem) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return typeof code === 'string' ? code : 'unreadable';
}
