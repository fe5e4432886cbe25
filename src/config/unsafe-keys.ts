import { isMap, isSeq } from 'yaml';
import type { Node, Pair } from 'yaml';
import type { ConfigIssue, ConfigPath } from './issue.ts';
import { issueAt, keyName } from './yaml-source.ts';
import type { YamlSource } from './yaml-source.ts';

/** Keys that reach an object's prototype when code later copies or merges the config. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Removes every pair whose key is `__proto__`, `constructor` or `prototype` from the
 * document, before anything turns it into objects, and reports each one. Removing
 * (rather than refusing the whole file) lets the rest of the file still be validated.
 * Aliases are not followed: every anchored node is visited where it is defined.
 */
export function removeUnsafeKeys(source: YamlSource): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const visit = (node: unknown, path: ConfigPath): void => {
    if (isMap(node)) {
      const kept: unknown[] = [];
      for (const pair of node.items as Pair<unknown, unknown>[]) {
        const key = keyName(pair.key);
        if (UNSAFE_KEYS.has(key)) {
          issues.push(issueAt(source, [...path, key], `the key "${key}" is not allowed (it could alter object prototypes)`, { atKey: true }));
          continue;
        }
        kept.push(pair);
        visit(pair.value, [...path, key]);
      }
      node.items = kept as typeof node.items;
    } else if (isSeq(node)) {
      for (const [index, item] of node.items.entries()) visit(item, [...path, index]);
    }
  };
  visit(source.doc.contents as Node | null, []);
  return issues;
}
