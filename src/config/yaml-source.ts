import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import { formatPath } from './issue.ts';
import type { ConfigIssue, ConfigPath } from './issue.ts';

/** One YAML file parsed with source positions kept. */
export interface YamlSource {
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

export interface Position {
  line: number;
  column: number;
}

/**
 * Parses with positions kept. `merge: true` allows `<<: *defaults` (common in configs);
 * every alias, merged or not, counts toward the alias limit applied by `toJS`.
 */
export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true, merge: true });
  return { file, text, doc, lineCounter };
}

/** The string form of a map key, as `toJS` would name the property. */
export function keyName(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

interface Located {
  /** The node at the path, or the deepest ancestor that exists. */
  node: Node | undefined;
  /** The key node of the last pair walked into (for pointing at a key). */
  key: Node | undefined;
  reached: boolean;
}

/** Walks the document by a zod-style path, following aliases; never expands them. */
export function locate(source: YamlSource, path: ConfigPath): Located {
  let node = (source.doc.contents ?? undefined) as Node | undefined;
  let key: Node | undefined;
  for (const segment of path) {
    if (node !== undefined && isAlias(node)) node = (node.resolve(source.doc) as Node | undefined) ?? node;
    let next: Node | undefined;
    if (isMap(node)) {
      const pair = (node.items as Pair<unknown, unknown>[]).find((item) => keyName(item.key) === String(segment));
      if (pair !== undefined) {
        key = pair.key as Node;
        next = (pair.value ?? undefined) as Node | undefined;
        // `key:` with no value: the key is the best place to point at.
        if (next === undefined) return { node: key, key, reached: true };
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment] as Node | undefined;
    }
    if (next === undefined) return { node, key, reached: false };
    node = next;
  }
  return { node, key, reached: true };
}

export function positionOfOffset(source: YamlSource, offset: number): Position {
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}

/**
 * Where a path points in the file: the value node (or its key when `atKey`), the
 * parent map for a missing key, the document start when nothing matches.
 */
export function positionAt(source: YamlSource, path: ConfigPath, atKey = false): Position | undefined {
  const found = locate(source, path);
  const target = atKey && found.reached && found.key !== undefined ? found.key : found.node;
  const offset = target?.range?.[0];
  return offset === undefined ? undefined : positionOfOffset(source, offset);
}

/**
 * Position of a character inside a one-line string scalar (for a formula's syntax
 * error); falls back to the scalar's start when the source text is not a plain copy.
 */
export function positionInScalar(source: YamlSource, path: ConfigPath, index: number): Position | undefined {
  const found = locate(source, path);
  const node = found.node;
  if (!found.reached || !isScalar(node) || typeof node.value !== 'string' || !node.range) return positionAt(source, path);
  const raw = source.text.slice(node.range[0], node.range[1]);
  const quoted = raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw.at(-1) === raw[0];
  const inner = quoted ? raw.slice(1, -1) : raw;
  if (inner !== node.value || index < 0 || index > inner.length) return positionAt(source, path);
  return positionOfOffset(source, node.range[0] + (quoted ? 1 : 0) + index);
}

export interface IssueOptions {
  severity?: 'error' | 'warning';
  /** Point at the key of the last path segment rather than its value. */
  atKey?: boolean;
  /** An exact position, when the caller knows better than the path (e.g. inside a formula). */
  position?: Position;
  code?: ConfigIssue['code'];
}

/** A ConfigIssue at `path` in this file, with line and column filled in. */
export function issueAt(source: YamlSource, path: ConfigPath, message: string, options: IssueOptions = {}): ConfigIssue {
  const position = options.position ?? positionAt(source, path, options.atKey);
  const issue: ConfigIssue = { file: source.file, path: formatPath(path), message, severity: options.severity ?? 'error' };
  if (position !== undefined) {
    issue.line = position.line;
    issue.column = position.column;
  }
  if (options.code !== undefined) issue.code = options.code;
  return issue;
}
