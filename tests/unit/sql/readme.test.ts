import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import sql from '../../../connectors/sql/index.ts';
import { windowParameters } from '../../../connectors/sql/parameters.ts';
import { bindNamed } from '../../../connectors/sql/placeholders.ts';
import { kpiSchema } from '../../../src/config/schema.ts';

const readme = readFileSync(new URL('../../../connectors/sql/README.md', import.meta.url), 'utf8');
const example = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
// The secrets as the config loader would have resolved them (as the top-level README's test does).
const resolved = example.replace(/\$\{[^}]+\}/g, 'stand-in-secret-1234');
const doc = parse(resolved) as { connections: Array<Record<string, unknown>>; kpis: Array<{ source: { connection: string; query: unknown } }> };
const NOVEMBER_PARIS = { start: '2026-11-01T00:00:00.000+01:00', end: '2026-12-01T00:00:00.000+01:00', timeZone: 'Europe/Paris', interval: 'month' } as const;

describe('the README example is a valid config for this connector', () => {
  it('has connections the connection schema accepts', () => {
    for (const { id: _id, type, ...settings } of doc.connections) {
      expect(type).toBe('sql');
      expect(sql.connectionSchema.safeParse(settings).success).toBe(true);
    }
  });

  it('has KPIs whose queries validate and bind for their connection', () => {
    const dialects: Record<string, 'postgres' | 'mysql'> = { 'shop-db': 'postgres', 'billing-db': 'mysql' };
    for (const kpi of doc.kpis) {
      kpiSchema.parse(kpi);
      const query = sql.querySchema.parse(kpi.source.query);
      expect(() => bindNamed(query.sql, dialects[kpi.source.connection]!)).not.toThrow();
    }
    expect(doc.kpis.map((kpi) => sql.measure!(sql.querySchema.parse(kpi.source.query)))).toEqual(['flow', 'flow', 'snapshot']);
  });

  it('quotes the parameter values it documents for November 2026 in Paris', () => {
    const pg = windowParameters(NOVEMBER_PARIS, 'postgres');
    const my = windowParameters(NOVEMBER_PARIS, 'mysql');
    for (const name of ['window_start', 'window_end', 'window_start_utc', 'window_end_utc'] as const) {
      expect(readme).toContain(`\`${pg[name]}\``);
      expect(readme).toContain(`\`${my[name]}\``);
    }
  });
});
