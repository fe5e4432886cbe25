import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import intercom from '../../../connectors/intercom/index.ts';
import { renderQuery, windowVariables } from '../../../connectors/intercom/query-template.ts';
import { kpiSchema } from '../../../src/config/schema.ts';

const readme = readFileSync(new URL('../../../connectors/intercom/README.md', import.meta.url), 'utf8');
const example = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const doc = parse(example) as { connections: Array<Record<string, unknown>>; kpis: Array<{ source: { query: unknown } }> };

describe('the README example is a valid config for this connector', () => {
  it('has a connection the connection schema accepts', () => {
    const { id: _id, type, ...settings } = doc.connections[0]!;
    expect(type).toBe('intercom');
    expect(intercom.connectionSchema.parse(settings)).toMatchObject({ region: 'EU', version: '2.14' });
  });

  it('has a count KPI and a sum KPI whose queries validate and render', () => {
    const queries = doc.kpis.map((kpi) => {
      kpiSchema.parse(kpi);
      return intercom.querySchema.parse(kpi.source.query);
    });
    expect(queries.map((q) => q.aggregate)).toEqual(['count', 'sum']);
    const vars = windowVariables({ start: '2026-11-01T00:00:00.000+01:00', end: '2026-12-01T00:00:00.000+01:00', timeZone: 'Europe/Paris' });
    for (const query of queries) expect(JSON.stringify(renderQuery(query.query, vars))).not.toContain('{{');
  });

  it('quotes the Unix values it documents for November 2026 in Paris', () => {
    const vars = windowVariables({ start: '2026-11-01T00:00:00.000+01:00', end: '2026-12-01T00:00:00.000+01:00', timeZone: 'Europe/Paris' });
    const { start_unix, end_unix } = vars.window as { start_unix: number; end_unix: number };
    expect(readme).toContain(`\`${start_unix}\`, \`${end_unix}\``);
  });
});
