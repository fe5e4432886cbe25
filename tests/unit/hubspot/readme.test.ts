import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderFilterGroups, windowVariables } from '../../../connectors/hubspot/filters.ts';
import hubspot from '../../../connectors/hubspot/index.ts';
import { kpiSchema } from '../../../src/config/schema.ts';
import { NOVEMBER } from './hubspot-mocks.ts';

const readme = readFileSync(new URL('../../../connectors/hubspot/README.md', import.meta.url), 'utf8');
const example = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const doc = parse(example.replace(/\$\{HUBSPOT_TOKEN\}/g, 'pat-stand-in')) as {
  connections: Array<Record<string, unknown>>;
  kpis: Array<{ source: { query: unknown } }>;
};

describe('the hubspot README example is a valid config', () => {
  it('has a connection the connection schema accepts', () => {
    const { id: _id, type, ...settings } = doc.connections[0]!;
    expect(type).toBe('hubspot');
    expect(hubspot.connectionSchema.parse(settings).maxPages).toBe(50);
  });

  it('has one KPI per metric, each valid for the config and for the connector, with its placeholders rendering', () => {
    const queries = doc.kpis.map((kpi) => {
      kpiSchema.parse(kpi);
      return hubspot.querySchema.parse(kpi.source.query);
    });
    expect(queries.map((q) => q.metric)).toEqual(['deals_won', 'pipeline_amount', 'count']);
    const count = queries[2]!;
    if (count.metric !== 'count') throw new Error('expected a count');
    expect(JSON.stringify(renderFilterGroups(count.filterGroups, windowVariables(NOVEMBER)))).not.toContain('{{');
    expect(hubspot.measure!(count)).toBe('flow');
  });
});
