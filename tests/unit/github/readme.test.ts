import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import github from '../../../connectors/github/index.ts';
import { searchQuery } from '../../../connectors/github/metrics.ts';
import { kpiSchema } from '../../../src/config/schema.ts';
import { NOVEMBER } from './github-mocks.ts';

const readme = readFileSync(new URL('../../../connectors/github/README.md', import.meta.url), 'utf8');
const example = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const doc = parse(example.replace(/\$\{GITHUB_TOKEN\}/g, 'ghp_stand-in')) as {
  connections: Array<Record<string, unknown>>;
  kpis: Array<{ source: { query: unknown } }>;
};

describe('the github README example is a valid config', () => {
  it('has a connection the connection schema accepts', () => {
    const { id: _id, type, ...settings } = doc.connections[0]!;
    expect(type).toBe('github');
    expect(github.connectionSchema.parse(settings).apiVersion).toBe('2022-11-28');
  });

  it('has one KPI per metric, each valid for the config and for the connector', () => {
    const metrics = doc.kpis.map((kpi) => {
      kpiSchema.parse(kpi);
      return github.querySchema.parse(kpi.source.query).metric;
    });
    expect(metrics).toEqual(['merged_prs', 'issues_opened', 'issues_closed', 'pr_lead_time', 'deployments']);
  });

  it('quotes the search range it documents for November in Paris', () => {
    const q = searchQuery(github.querySchema.parse({ metric: 'merged_prs', repo: 'a/b' }) as never, NOVEMBER);
    expect(readme).toContain(q.replace('repo:a/b is:pr is:merged ', ''));
  });
});
