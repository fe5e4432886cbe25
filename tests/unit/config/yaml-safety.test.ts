import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/config/load.ts';
import { registry } from '../../fixtures/config/fake-connector.ts';
import { loadIssues, places } from '../../fixtures/config/load-issues.ts';
import { removeConfig, writeConfig } from '../../fixtures/config/temp-config.ts';

const KPI = `kpis:
  - id: mrr
    name: MRR
    category: Growth
    formula: "1"
`;

let dir = '';
afterEach(async () => {
  await removeConfig(dir);
  delete (Object.prototype as Record<string, unknown>).polluted;
});

function billionLaughs(levels: number): string {
  const lines = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let level = 1; level < levels; level += 1) {
    lines.push(`lol${level}: &l${level} [${Array.from({ length: 9 }, () => `*l${level - 1}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

describe('YAML safety', () => {
  it('reports a malformed file with line and column, and still validates the other files', async () => {
    dir = await writeConfig({
      'a.yaml': 'kpis:\n  - id: mrr\n    name: [MRR, ARR\n    category: Growth\n',
      'b.yaml': 'kpis:\n  - id: arr\n    name: ARR\n    category: Growth\n    formula: "1"\n    helth: {}\n',
    });
    const { issues } = await loadIssues(dir);
    // The parser notices the unclosed "[" where the next line starts.
    expect(issues.filter((issue) => issue.file === 'a.yaml')).toEqual([
      {
        file: 'a.yaml',
        line: 4,
        column: 5,
        path: '',
        message: 'Flow sequence in block collection must be sufficiently indented and end with a ]',
        severity: 'error',
      },
    ]);
    expect(issues.filter((issue) => issue.file === 'b.yaml').map((issue) => issue.message)).toEqual(['unknown key "helth"; did you mean "health"?']);
  });

  it('rejects duplicate keys in one map', async () => {
    dir = await writeConfig({ 'a.yaml': `${KPI}    name: Again\n` });
    const { issues } = await loadIssues(dir);
    expect(places(issues)).toEqual(['a.yaml:6:5 ']);
    expect(issues[0]?.message).toBe('Map keys must be unique');
  });

  it('refuses a billion-laughs alias bomb with an error naming the file', async () => {
    dir = await writeConfig({ 'bomb.yaml': billionLaughs(9), 'ok.yaml': KPI });
    const { issues } = await loadIssues(dir);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'bomb.yaml', severity: 'error' });
    expect(issues[0]?.message).toContain('billion laughs');
  });

  it('accepts a few aliases, as ordinary configs use them', async () => {
    dir = await writeConfig({
      'a.yaml':
        'kpis:\n  - id: mrr\n    name: MRR\n    category: &growth Growth\n    formula: "1"\n  - id: arr\n    name: ARR\n    category: *growth\n    formula: mrr * 12\n',
    });
    const catalog = await loadCatalog(dir, { connectors: registry, env: {} });
    expect(catalog.kpis.get('arr')?.category).toBe('Growth');
  });

  it('supports merge keys for shared defaults', async () => {
    dir = await writeConfig({
      'a.yaml': 'kpis:\n  - &base { id: mrr, name: MRR, category: Growth, interval: month, formula: "1" }\n  - <<: *base\n    id: arr\n    name: ARR\n',
    });
    const catalog = await loadCatalog(dir, { connectors: registry, env: {} });
    expect(catalog.kpis.get('arr')).toMatchObject({ id: 'arr', name: 'ARR', category: 'Growth', interval: 'month' });
  });

  it('rejects __proto__, constructor and prototype keys anywhere, without polluting prototypes', async () => {
    dir = await writeConfig({
      'a.yaml': [
        'kpis:',
        '  - id: mrr',
        '    name: MRR',
        '    category: Growth',
        '    formula: "1"',
        '    __proto__: { polluted: true }',
        '__proto__:',
        '  polluted: true',
        'constructor:',
        '  prototype: { polluted: true }',
        'settings:',
        '  store: { prototype: x }',
        '',
      ].join('\n'),
    });
    const { issues } = await loadIssues(dir);
    expect(places(issues)).toEqual(['a.yaml:6:5 kpis[0].__proto__', 'a.yaml:7:1 __proto__', 'a.yaml:9:1 constructor', 'a.yaml:12:12 settings.store.prototype']);
    expect(issues[0]?.message).toBe('the key "__proto__" is not allowed (it could alter object prototypes)');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
  });

  it('reports an empty folder and a missing folder clearly', async () => {
    dir = await writeConfig({ 'readme.txt': 'not config' });
    const empty = await loadIssues(dir);
    expect(empty.issues).toEqual([{ file: '', path: '', message: 'no *.yaml or *.yml files in the config folder', severity: 'error' }]);
    const missing = await loadIssues(`${dir}/nope`);
    expect(missing.issues[0]?.message).toBe('config folder not found');
  });

  it('warns about an empty file but loads the folder', async () => {
    dir = await writeConfig({ 'a.yaml': KPI, 'empty.yaml': '# nothing yet\n' });
    const catalog = await loadCatalog(dir, { connectors: registry, env: {} });
    expect(catalog.warnings.map((issue) => [path.basename(issue.file), issue.message])).toEqual([['empty.yaml', 'the file is empty']]);
  });
});
