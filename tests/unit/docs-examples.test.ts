import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadBuiltInConnectors } from '../../connectors/index.ts';
import { createConnectorRegistry } from '../../src/app/connector-registry.ts';
import { loadCatalog } from '../../src/config/load.ts';
import { configFileSchema } from '../../src/config/schema.ts';

const builtInConnectors = await loadBuiltInConnectors();

const WHSEC = `whsec_${Buffer.from('documentation example secret!!!!').toString('base64')}`;
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** ${VAR} and ${file:…} as the loader would resolve them, with harmless stand-ins. */
function resolved(yaml: string): string {
  return yaml
    .replace(/\$\{KPI_WEBHOOK_SECRET\}/g, WHSEC)
    .replace(/\$\{SLACK_WEBHOOK_URL\}/g, 'https://hooks.slack.com/services/T0/B0/x')
    .replace(/\$\{[^}]+\}/g, 'stand-in-secret-1234');
}

const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^(connections|kpis|alerts|objectives):/m.test(b));

describe('README config examples', () => {
  it('has examples to check', () => expect(blocks.length).toBeGreaterThanOrEqual(6));

  it.each(blocks.map((b, i) => [i, b]))("example %i passes the config schema and its connectors' schemas", (_i, block) => {
    const data = parse(resolved(block as string)) as Record<string, unknown>;
    const file = configFileSchema.safeParse(data);
    expect(file.success, JSON.stringify(file.error?.issues)).toBe(true);
    const connections = (data.connections ?? []) as { id: string; type: string }[];
    for (const { id, type, ...settings } of connections) {
      const connector = builtInConnectors.find((c) => c.type === type)!;
      const parsed = connector.connectionSchema.safeParse(settings);
      expect(parsed.success, `${id}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
    for (const kpi of (data.kpis ?? []) as { id: string; source?: { connection: string; query: unknown } }[]) {
      const type = connections.find((c) => c.id === kpi.source?.connection)?.type;
      if (!type) continue;
      const parsed = builtInConnectors.find((c) => c.type === type)!.querySchema.safeParse(kpi.source!.query);
      expect(parsed.success, `${kpi.id}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });

  it('config/examples/alerts.yaml.example loads with the example config', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kpi-alerts-example-'));
    cpSync('config/examples', dir, { recursive: true });
    cpSync('config/examples/alerts.yaml.example', path.join(dir, 'alerts.yaml'));
    const catalog = await loadCatalog(dir, {
      connectors: createConnectorRegistry(),
      env: {
        KPI_WEBHOOK_SECRET: WHSEC,
        SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x',
        PAGERDUTY_ROUTING_KEY: 'R0123456789abcdef0123456789abcdef',
      },
    });
    expect(catalog.alerts.routes.map((r) => r.name)).toEqual(['growth', 'quality', 'churn-pager']);
    expect(catalog.secrets).toContain(WHSEC);
  });
});
