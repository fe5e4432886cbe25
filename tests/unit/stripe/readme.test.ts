import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import stripe from '../../../connectors/stripe/index.ts';
import { STRIPE_API_VERSION } from '../../../connectors/stripe/schema.ts';
import { kpiSchema } from '../../../src/config/schema.ts';

const readme = readFileSync(new URL('../../../connectors/stripe/README.md', import.meta.url), 'utf8');
const example = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const doc = parse(example.replace(/\$\{STRIPE_SECRET_KEY\}/g, 'sk_live_stand-in')) as {
  connections: Array<Record<string, unknown>>;
  kpis: Array<{ source: { query: unknown } }>;
};

describe('the stripe README example is a valid config', () => {
  it('has a connection the connection schema accepts', () => {
    const { id: _id, type, ...settings } = doc.connections[0]!;
    expect(type).toBe('stripe');
    expect(stripe.connectionSchema.parse(settings).apiVersion).toBe(STRIPE_API_VERSION);
  });

  it('has one KPI per metric, each valid for the config and for the connector', () => {
    const metrics = doc.kpis.map((kpi) => {
      kpiSchema.parse(kpi);
      return stripe.querySchema.parse(kpi.source.query).metric;
    });
    expect(metrics).toEqual(['mrr', 'new_subscriptions', 'churned_subscriptions', 'revenue']);
  });

  it('names the pinned version it documents', () => {
    expect(readme).toContain(`**\`${STRIPE_API_VERSION}\`**`);
  });
});
