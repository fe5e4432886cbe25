import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import prometheus from '../../../connectors/prometheus/index.ts';
import { evaluationOf, promDuration, windowVariables } from '../../../connectors/prometheus/window.ts';
import { renderTemplate } from '../../../src/sdk/index.ts';
import { kpiSchema } from '../../../src/config/schema.ts';

const readme = readFileSync(new URL('../../../connectors/prometheus/README.md', import.meta.url), 'utf8');
const example = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const doc = parse(example) as { connections: Array<Record<string, unknown>>; kpis: Array<{ id: string; source: { query: unknown } }> };

describe('the prometheus README example is a valid config', () => {
  it('has a connection the connection schema accepts', () => {
    const { id: _id, type, ...settings } = doc.connections[0]!;
    expect(type).toBe('prometheus');
    const resolved = JSON.parse(JSON.stringify(settings).replace(/\$\{[A-Z_]+\}/g, 'resolved-secret'));
    expect(prometheus.connectionSchema.parse(resolved)).toMatchObject({ auth: { type: 'bearer' }, method: 'GET' });
  });

  it('has KPIs whose queries validate and render, flows and a snapshot', () => {
    const october = { start: '2025-10-01T00:00:00.000+02:00', end: '2025-11-01T00:00:00.000+01:00' };
    const vars = windowVariables(october, evaluationOf(october, Date.now())!);
    const measures = doc.kpis.map((kpi) => {
      kpiSchema.parse(kpi);
      const query = prometheus.querySchema.parse(kpi.source.query);
      expect(renderTemplate(query.promql, vars)).not.toContain('{{');
      return prometheus.measure!(query);
    });
    expect(measures).toEqual(['flow', 'flow', 'flow', 'snapshot']);
  });

  it('quotes the durations it documents', () => {
    expect(readme).toContain(`\`${promDuration(31 * 86_400_000 + 3_600_000)}\` for October in Paris`);
    expect(
      windowVariables(
        { start: '2025-10-01T00:00:00.000+02:00' },
        evaluationOf({ start: '2025-10-01T00:00:00.000+02:00', end: '2025-11-01T00:00:00.000+01:00' }, Date.now())!,
      ),
    ).toMatchObject({
      window: { range: '31d1h' },
    });
  });
});
