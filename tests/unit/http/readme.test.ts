import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import http from '../../../connectors/http/index.ts';
import { windowVariables } from '../../../connectors/http/template.ts';
import { kpiSchema } from '../../../src/config/schema.ts';

const readme = readFileSync(new URL('../../../connectors/http/README.md', import.meta.url), 'utf8');
const example = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const doc = parse(example) as { connections: Array<Record<string, unknown>>; kpis: Array<{ source: { connection: string; query: unknown } }> };
const resolved = (value: unknown) => JSON.parse(JSON.stringify(value).replace(/\$\{[A-Z_]+\}/g, 'resolved-secret-value'));

describe('the http README example is a valid config', () => {
  it('has connections the connection schema accepts, one per auth kind shown', () => {
    const kinds = doc.connections.map(({ id: _id, type, ...settings }) => {
      expect(type).toBe('http');
      return http.connectionSchema.parse(resolved(settings)).auth.type;
    });
    expect(kinds).toEqual(['bearer', 'bearer', 'oauth2']);
  });

  it('has KPIs whose queries validate (placeholders and expressions included), flows except the MRR level it marks as a snapshot', () => {
    const measures = doc.kpis.map((kpi) => {
      kpiSchema.parse(kpi);
      return http.measure!(http.querySchema.parse(kpi.source.query));
    });
    expect(measures).toEqual(['flow', 'flow', 'snapshot']);
    expect(doc.kpis.map((k) => (k.source.query as { pagination?: { type: string } }).pagination?.type)).toEqual([undefined, 'cursor', undefined]);
  });

  it('quotes the values it documents for November 2026 in Paris', () => {
    const { window } = windowVariables({
      start: '2026-11-01T00:00:00.000+01:00',
      end: '2026-12-01T00:00:00.000+01:00',
      timeZone: 'Europe/Paris',
      interval: 'month',
    }) as {
      window: Record<string, string | number>;
    };
    expect(readme).toContain(`\`${window.startUnix}\`, \`${window.endUnix}\``);
    expect(readme).toContain(`\`${window.startMs}\`, \`${window.endMs}\``);
    expect(readme).toContain(`\`${window.lastDate}\`: the last day`);
  });

  it('quotes the config error it documents', () => {
    const parsed = http.querySchema.safeParse({ path: '/x', pick: { jsonata: '$sum(data[status="succeeded"].amount' } });
    expect(parsed.success).toBe(false);
    expect(readme.replace(/\n/g, ' ')).toContain(`pick.jsonata: ${parsed.error!.issues[0]!.message}`);
  });
});
