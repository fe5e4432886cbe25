import { afterEach, describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/config/issue.ts';
import { loadCatalog } from '../../../src/config/load.ts';
import { registry } from '../../fixtures/config/fake-connector.ts';
import { loadIssues } from '../../fixtures/config/load-issues.ts';
import { removeConfig, writeConfig } from '../../fixtures/config/temp-config.ts';

let dir = '';
afterEach(async () => {
  await removeConfig(dir);
});

function kpis(...formulas: [string, string][]): string {
  return `kpis:\n${formulas.map(([id, formula]) => `  - id: ${id}\n    name: ${id}\n    category: x\n    formula: ${formula}\n`).join('')}`;
}

describe('formula KPIs', () => {
  it('reports an unknown KPI at its column in the formula, with a suggestion', async () => {
    dir = await writeConfig({ 'a.yaml': kpis(['cac', '"1"'], ['ltv', '"2"'], ['ratio', 'ltv / cak']) });
    const { issues } = await loadIssues(dir);
    expect(issues.map(formatIssue)).toEqual(['a.yaml:13:20 kpis[2].formula: formula references unknown KPI "cak"; did you mean "cac"?']);
  });

  it('reports a cycle through several formulas once, as a path', async () => {
    dir = await writeConfig({ 'a.yaml': kpis(['ltv', 'cac * 3'], ['cac', 'ltv / 3'], ['ok', '"1"']) });
    const { issues } = await loadIssues(dir);
    expect(issues.map(formatIssue)).toEqual(['a.yaml:5:14 kpis[0].formula: formula cycle: ltv → cac → ltv']);
  });

  it('reports every independent cycle, each at a KPI in it, not only the first', async () => {
    dir = await writeConfig({
      'a.yaml': kpis(['ltv', 'cac * 3'], ['cac', 'ltv / 3'], ['ok', '"1"']),
      'b.yaml': kpis(['users', '"10"'], ['arpu', 'mrr / users'], ['mrr', 'churn * 12'], ['churn', 'arpu / 100']),
    });
    const { issues } = await loadIssues(dir);
    expect(issues.map(formatIssue)).toEqual([
      'a.yaml:5:14 kpis[0].formula: formula cycle: ltv → cac → ltv',
      'b.yaml:9:14 kpis[1].formula: formula cycle: arpu → mrr → churn → arpu',
    ]);
  });

  it('reports a formula that reads itself', async () => {
    dir = await writeConfig({ 'a.yaml': kpis(['mrr', 'mrr + 1']) });
    const { issues } = await loadIssues(dir);
    expect(issues.map((issue) => issue.message)).toEqual(['formula cycle: mrr → mrr']);
  });

  it('reports a syntax error at its column inside a quoted formula', async () => {
    dir = await writeConfig({ 'a.yaml': kpis(['a', '"1"'], ['b', '"(a * 2"']) });
    const { issues } = await loadIssues(dir);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 9, column: 21, path: 'kpis[1].formula', severity: 'error' });
    expect(issues[0]?.message).toMatch(/^formula syntax error: unexpected end of formula at column 7/);
  });

  it('validates formulas in every file against KPIs of every file', async () => {
    dir = await writeConfig({ 'a.yaml': kpis(['ratio', 'ltv / cac']), 'b.yaml': kpis(['ltv', '"3"'], ['cac', '"1"']) });
    const catalog = await loadCatalog(dir, { connectors: registry, env: {} });
    expect(catalog.kpis.get('ratio')?.inputs).toEqual(['ltv', 'cac']);
    expect([...catalog.formulaOrder].sort()).toEqual(['cac', 'ltv', 'ratio']);
    expect(catalog.formulaOrder.indexOf('ratio')).toBeGreaterThan(Math.max(catalog.formulaOrder.indexOf('ltv'), catalog.formulaOrder.indexOf('cac')));
  });
});
