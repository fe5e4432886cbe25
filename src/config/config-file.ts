import type { Node } from 'yaml';
import { interpolate } from './interpolate.ts';
import type { InterpolationOptions } from './interpolate.ts';
import type { ConfigIssue, ConfigPath } from './issue.ts';
import { configFileSchema } from './schema.ts';
import { removeUnsafeKeys } from './unsafe-keys.ts';
import { issueAt, locate, parseYamlSource, positionOfOffset } from './yaml-source.ts';
import type { YamlSource } from './yaml-source.ts';
import { describeZodIssues } from './zod-issues.ts';

/** Aliases a file may expand in all; the classic "billion laughs" needs billions. */
export const MAX_ALIAS_COUNT = 100;

/** One YAML file after reading, parsing, interpolation and validation against configFileSchema. */
export interface ConfigFileResult {
  file: string;
  source?: YamlSource;
  /**
   * The file as plain data (after interpolation), when it could be built. For a file
   * with YAML syntax errors this is a best effort, used only to learn its ids so other
   * files' references to them are not reported as unknown.
   */
  data?: unknown;
  /** False when the YAML itself is broken: `data` must not be validated or used further. */
  parsed: boolean;
  issues: ConfigIssue[];
  secrets: string[];
  sensitive: Set<Node>;
  /** Scalars whose interpolation failed: further issues there would repeat that error. */
  unresolved: Set<Node>;
}

export interface ConfigFileOptions extends InterpolationOptions {
  /** Reads the YAML file itself. */
  readFile: (file: string) => Promise<string>;
}

/** The first line of a `yaml` error, without the " at line X, column Y:" tail and code excerpt (which may show secrets). */
function yamlMessage(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?\s*$/, '');
}

function toPlainData(source: YamlSource): unknown {
  return source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
}

function nodeIn(result: ConfigFileResult, nodes: Set<Node>, path: ConfigPath): boolean {
  if (result.source === undefined || nodes.size === 0) return false;
  const found = locate(result.source, path);
  return found.reached && found.node !== undefined && nodes.has(found.node);
}

/** Whether the value at `path` came (even partly) from an interpolation: such values are never shown. */
export function isSensitiveAt(result: ConfigFileResult, path: ConfigPath): boolean {
  return nodeIn(result, result.sensitive, path);
}

/** Whether an interpolation at `path` failed (and was reported), so a schema issue there is noise. */
export function isUnresolvedAt(result: ConfigFileResult, path: ConfigPath): boolean {
  return nodeIn(result, result.unresolved, path);
}

export async function loadConfigFile(file: string, options: ConfigFileOptions): Promise<ConfigFileResult> {
  const result: ConfigFileResult = { file, parsed: false, issues: [], secrets: [], sensitive: new Set(), unresolved: new Set() };
  let text: string;
  try {
    text = await options.readFile(file);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    result.issues.push({ file, path: '', message: `cannot read the file${typeof code === 'string' ? ` (${code})` : ''}`, severity: 'error' });
    return result;
  }

  const source = parseYamlSource(file, text);
  result.source = source;
  for (const [list, severity] of [
    [source.doc.errors, 'error'],
    [source.doc.warnings, 'warning'],
  ] as const) {
    for (const problem of list) {
      const start = problem.linePos?.[0];
      const position = start ? { line: start.line, column: start.col } : positionOfOffset(source, problem.pos[0]);
      result.issues.push({ file, ...position, path: '', message: yamlMessage(problem.message), severity });
    }
  }
  if (source.doc.errors.length > 0) {
    try {
      removeUnsafeKeys(source);
      result.data = toPlainData(source);
    } catch {
      // Best effort only; the syntax errors are already reported.
    }
    return result;
  }

  result.issues.push(...removeUnsafeKeys(source));
  const interpolation = await interpolate(source, options);
  result.issues.push(...interpolation.issues);
  result.secrets.push(...interpolation.secrets);
  result.sensitive = interpolation.sensitive;
  result.unresolved = interpolation.unresolved;

  let data: unknown;
  try {
    data = toPlainData(source);
  } catch (error) {
    const tooMany = error instanceof ReferenceError;
    const message = tooMany
      ? `the file expands more than ${MAX_ALIAS_COUNT} aliases (*name); refusing it as a likely "billion laughs" attack`
      : `cannot build the file's values: ${error instanceof Error ? error.message : String(error)}`;
    result.issues.push({ file, line: 1, column: 1, path: '', message, severity: 'error' });
    return result;
  }
  if (data === null || data === undefined) {
    result.issues.push({ file, line: 1, column: 1, path: '', message: 'the file is empty', severity: 'warning' });
    data = {};
  }
  result.data = data;
  result.parsed = true;

  const checked = configFileSchema.safeParse(data);
  if (!checked.success) {
    const described = describeZodIssues(checked.error.issues, {
      schema: configFileSchema,
      data,
      hidden: (path) => isSensitiveAt(result, path),
    });
    for (const issue of described) {
      if (!isUnresolvedAt(result, issue.path)) result.issues.push(issueAt(source, issue.path, issue.message, { atKey: issue.atKey ?? false }));
    }
  }
  return result;
}
