import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONFIG_SCHEMA_ID, configJsonSchema } from '../../../src/config/json-schema.ts';
import { defineConnector } from '../../../src/sdk/connector.ts';
import { fakeConnector, otherConnector } from '../../fixtures/config/fake-connector.ts';

type Json = Record<string, any>;

describe('configJsonSchema', () => {
  const schema = configJsonSchema([fakeConnector, otherConnector]) as Json;

  it('is a draft 2020-12 schema with an $id and a title', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(CONFIG_SCHEMA_ID);
    expect(schema.title).toBe('kpi-sync config file');
    expect(Object.keys(schema.properties)).toEqual(['settings', 'connections', 'kpis', 'objectives', 'alerts', 'targets']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('makes connections a oneOf with one entry per connector, keyed by a const type', () => {
    const variants = schema.properties.connections.items.oneOf as Json[];
    expect(variants.map((variant) => variant.title)).toEqual(['fake connection', 'other connection']);
    const fake = variants[0]!;
    expect(fake.properties.type).toEqual({ type: 'string', const: 'fake' });
    expect(fake.properties.id.pattern).toBe('^[a-z][a-z0-9_-]*$');
    expect(fake.required).toEqual(expect.arrayContaining(['id', 'type', 'url', 'token']));
    expect(fake.additionalProperties).toBe(false);
    expect(JSON.stringify(variants[1])).toContain('"const":"other"');
  });

  it('marks secret() fields writeOnly, also nested ones', () => {
    const fake = schema.properties.connections.items.oneOf[0] as Json;
    expect(fake.properties.token.writeOnly).toBe(true);
    expect(fake.properties.options.properties.password.writeOnly).toBe(true);
    expect(fake.properties.url.writeOnly).toBeUndefined();
  });

  it('documents KPI keys from the zod descriptions, with input-side defaults optional', () => {
    const kpi = schema.properties.kpis.items as Json;
    expect(kpi.properties.category.description).toBe('Dashboard group, e.g. Growth, Product, Distribution.');
    expect(kpi.properties.interval.default).toBe('day');
    expect(kpi.required).not.toContain('interval');
  });

  it('keeps the generic connection shape when no connector is given', () => {
    const bare = configJsonSchema([]) as Json;
    expect(bare.properties.connections.items.oneOf).toBeUndefined();
    expect(bare.properties.connections.items.required).toEqual(['id', 'type']);
  });

  it("hoists a connector's own $defs to the root and rewrites its references", () => {
    const shared = z.strictObject({ field: z.string() }).meta({ id: 'FieldSpec' });
    const withDefs = defineConnector({
      type: 'defs',
      description: 'uses a registered schema twice',
      connectionSchema: z.strictObject({ a: shared, b: shared }),
      querySchema: z.strictObject({}),
      async check() {
        return { detail: '' };
      },
      async fetch() {
        return [];
      },
    });
    const result = configJsonSchema([withDefs]) as Json;
    const variant = result.properties.connections.items.oneOf[0] as Json;
    const ref = variant.properties.a.$ref as string;
    expect(ref).toBe('#/$defs/defs.FieldSpec');
    expect(result.$defs['defs.FieldSpec'].properties.field.type).toBe('string');
  });
});
