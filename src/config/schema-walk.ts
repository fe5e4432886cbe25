import type { z } from 'zod';
import { isSecretSchema } from '../sdk/secret.ts';
import type { ConfigPath } from './issue.ts';

/**
 * Reads zod 4 schemas structurally (through `_zod.def`) to answer three questions the
 * loader has about a connector's schemas: which fields are secret, which keys an
 * object allows (for "did you mean"), and what the schema at a path is.
 */
type Schema = z.core.$ZodType;
type Def = { type: string } & Record<string, unknown>;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);

function defOf(schema: Schema): Def {
  return schema._zod.def as unknown as Def;
}

function isSecret(schema: Schema): boolean {
  return typeof (schema as { meta?: unknown }).meta === 'function' && isSecretSchema(schema as z.ZodType);
}

/** The schema with its optional/default/pipe/lazy wrappers peeled, and every layer seen (for metadata). */
function unwrap(schema: Schema): { base: Schema; layers: Schema[] } {
  const layers: Schema[] = [schema];
  let current = schema;
  for (let depth = 0; depth < 32; depth += 1) {
    const def = defOf(current);
    let next: Schema | undefined;
    if (WRAPPERS.has(def.type)) next = def.innerType as Schema;
    else if (def.type === 'pipe') next = def.in as Schema;
    else if (def.type === 'lazy') next = (def.getter as () => Schema)();
    if (next === undefined) break;
    current = next;
    layers.push(current);
  }
  return { base: current, layers };
}

/** The schemas that could validate `value[segment]` (several for unions and intersections). */
function children(schema: Schema, segment: string | number): Schema[] {
  const { base } = unwrap(schema);
  const def = defOf(base);
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, Schema>;
      const child = Object.hasOwn(shape, String(segment)) ? shape[String(segment)] : (def.catchall as Schema | undefined);
      return child === undefined ? [] : [child];
    }
    case 'record':
      return [def.valueType as Schema];
    case 'array':
      return [def.element as Schema];
    case 'tuple': {
      const items = def.items as Schema[];
      const child = typeof segment === 'number' ? (items[segment] ?? (def.rest as Schema | null)) : undefined;
      return child ? [child] : [];
    }
    case 'union':
      return (def.options as Schema[]).flatMap((option) => children(option, segment));
    case 'intersection':
      return [...children(def.left as Schema, segment), ...children(def.right as Schema, segment)];
    default:
      return [];
  }
}

function schemasAt(schema: Schema, path: ConfigPath): Schema[] {
  let current = [schema];
  for (const segment of path) current = current.flatMap((candidate) => children(candidate, segment));
  return current;
}

/** Whether the field at `path` is marked with `secret()` (under any wrapper, in any union branch). */
export function isSecretAt(schema: Schema, path: ConfigPath): boolean {
  return schemasAt(schema, path).some((candidate) => unwrap(candidate).layers.some(isSecret));
}

/** The keys an object schema at `path` accepts, for suggesting a fix to a typo. */
export function keysAt(schema: Schema, path: ConfigPath): string[] {
  const keys = new Set<string>();
  const visit = (candidate: Schema): void => {
    const def = defOf(unwrap(candidate).base);
    if (def.type === 'object') for (const key of Object.keys(def.shape as object)) keys.add(key);
    else if (def.type === 'union') (def.options as Schema[]).forEach(visit);
    else if (def.type === 'intersection') [def.left as Schema, def.right as Schema].forEach(visit);
  };
  schemasAt(schema, path).forEach(visit);
  return [...keys];
}

/** Every non-empty string found under a `secret()` field of `schema` in `value`, with its path. */
export function collectSecrets(
  schema: Schema,
  value: unknown,
  at: ConfigPath = [],
  out: { path: ConfigPath; value: string }[] = [],
): { path: ConfigPath; value: string }[] {
  const { base, layers } = unwrap(schema);
  if (layers.some(isSecret)) {
    if (typeof value === 'string' && value !== '') out.push({ path: at, value });
    return out;
  }
  const def = defOf(base);
  if (def.type === 'union') {
    for (const option of def.options as Schema[]) collectSecrets(option, value, at, out);
  } else if (def.type === 'intersection') {
    collectSecrets(def.left as Schema, value, at, out);
    collectSecrets(def.right as Schema, value, at, out);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      for (const child of children(base, index)) collectSecrets(child, item, [...at, index], out);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      for (const child of children(base, key)) collectSecrets(child, item, [...at, key], out);
    }
  }
  return out;
}
