import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadBuiltInConnectors } from '../../../connectors/index.ts';
import { configJsonSchema } from '../../../src/config/json-schema.ts';

const builtInConnectors = await loadBuiltInConnectors();

describe('config/kpi-sync.schema.json', () => {
  it('is what `kpi-sync schema` prints today (regenerate: npm run --silent kpi-sync -- schema > config/kpi-sync.schema.json)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../../config/kpi-sync.schema.json', import.meta.url), 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(configJsonSchema(builtInConnectors))));
  });

  it('offers one connection branch per built-in connector type', () => {
    const text = JSON.stringify(configJsonSchema(builtInConnectors));
    for (const type of ['csv', 'salesforce', 'jira', 'intercom']) expect(text).toContain(`"const":"${type}"`);
  });
});
