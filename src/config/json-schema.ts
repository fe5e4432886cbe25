import { z } from 'zod';
import type { Connector } from '../sdk/connector.ts';
import { configFileSchema, connectionBaseSchema } from './schema.ts';

export const CONFIG_SCHEMA_ID = 'https://kpi-sync.dev/schema/config.schema.json';
const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toJsonSchema(schema: z.ZodType): JsonObject {
  // `io: 'input'`: editors check what people write, where defaulted keys may be left out.
  // `unrepresentable: 'any'`: a connector's transform or custom check must not break the export.
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as JsonObject;
}

/** Rewrites `#/$defs/x` references to `#/$defs/<prefix>x`, so a connector's definitions can live in the root. */
function prefixRefs(node: unknown, prefix: string): unknown {
  if (Array.isArray(node)) return node.map((item) => prefixRefs(item, prefix));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/')
        ? `#/$defs/${prefix}${value.slice('#/$defs/'.length)}`
        : prefixRefs(value, prefix);
  }
  return out;
}

/** A connector's connection settings plus `id` and `type: <const>`, as one JSON Schema. */
function connectionVariant(connector: Connector, defs: JsonObject): JsonObject {
  const keys = { id: connectionBaseSchema.shape.id, type: z.literal(connector.type) };
  const settings = connector.connectionSchema as z.ZodType;
  const combined = settings instanceof z.ZodObject ? settings.extend(keys) : z.intersection(z.object(keys), settings);
  const prefix = `${connector.type.replace(/[^A-Za-z0-9_-]/g, '_')}.`;
  const { $schema: _schema, $defs, ...variant } = prefixRefs(toJsonSchema(combined), prefix) as JsonObject;
  if (isObject($defs)) for (const [name, definition] of Object.entries($defs)) defs[`${prefix}${name}`] = definition;
  return { title: `${connector.type} connection`, description: connector.description, ...variant };
}

/**
 * The JSON Schema (draft 2020-12) of one config file, generated from configFileSchema,
 * with `connections.items` a oneOf of each connector's settings so editors complete
 * and check keys per `type`. Secret fields carry `writeOnly: true`.
 */
export function configJsonSchema(connectors: readonly Connector[]): JsonObject {
  const { $schema: _schema, ...root } = toJsonSchema(configFileSchema);
  const defs: JsonObject = isObject(root.$defs) ? { ...root.$defs } : {};
  const properties = root.properties as JsonObject;
  const connections = properties.connections;
  if (connectors.length > 0 && isObject(connections)) {
    properties.connections = { ...connections, items: { oneOf: connectors.map((connector) => connectionVariant(connector, defs)) } };
  }
  const schema: JsonObject = {
    $schema: DRAFT_2020_12,
    $id: CONFIG_SCHEMA_ID,
    title: 'kpi-sync config file',
    description: "One YAML file of a kpi-sync config folder; the folder's files are merged.",
    ...root,
  };
  if (Object.keys(defs).length > 0) schema.$defs = defs;
  return schema;
}
