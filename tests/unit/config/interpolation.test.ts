import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/config/issue.ts';
import { loadCatalog } from '../../../src/config/load.ts';
import { registry } from '../../fixtures/config/fake-connector.ts';
import { loadIssues, places } from '../../fixtures/config/load-issues.ts';
import { removeConfig, writeConfig } from '../../fixtures/config/temp-config.ts';

let dir = '';
afterEach(async () => {
  await removeConfig(dir);
});

function connection(token: string, extra = ''): string {
  return `connections:\n  - id: crm\n    type: fake\n    url: https://crm.example.com\n    token: ${token}\n${extra}`;
}

describe('${ENV} and ${file:} interpolation', () => {
  it('substitutes environment variables inside a string and records the values as secrets', async () => {
    dir = await writeConfig({ 'a.yaml': connection('"Bearer ${ACME_TOKEN}-${ACME_SUFFIX}"') });
    const catalog = await loadCatalog(dir, { connectors: registry, env: { ACME_TOKEN: 's3cr3t-value', ACME_SUFFIX: 'tail' } });
    expect(catalog.connections.get('crm')?.settings).toMatchObject({ token: 'Bearer s3cr3t-value-tail' });
    expect(catalog.secrets).toEqual(expect.arrayContaining(['s3cr3t-value', 'tail', 'Bearer s3cr3t-value-tail']));
  });

  it('reports an unset variable at its exact line, column and path', async () => {
    dir = await writeConfig({ 'a.yaml': connection('${ACME_TOKEN}') });
    const { issues } = await loadIssues(dir, {});
    expect(issues).toEqual([
      {
        file: 'a.yaml',
        line: 5,
        column: 12,
        path: 'connections[0].token',
        message: 'environment variable ACME_TOKEN is not set',
        severity: 'error',
        code: 'KS_ERR_SECRET_MISSING',
      },
    ]);
  });

  it('reads ${file:} relative to the YAML file, trimming the trailing newline', async () => {
    dir = await writeConfig({ 'a.yaml': connection('${file:./secrets/token.txt}'), 'secrets/token.txt': 'file-token-value\n' });
    const catalog = await loadCatalog(dir, { connectors: registry, env: {} });
    expect(catalog.connections.get('crm')?.settings).toMatchObject({ token: 'file-token-value' });
    expect(catalog.secrets).toContain('file-token-value');
  });

  it('reports an unreadable ${file:} naming the path', async () => {
    dir = await writeConfig({ 'a.yaml': connection('${file:missing/token.txt}') });
    const { issues } = await loadIssues(dir);
    expect(places(issues)).toEqual(['a.yaml:5:12 connections[0].token']);
    expect(issues[0]?.message).toBe(`cannot read secret file "missing/token.txt" (${path.join(dir, 'missing/token.txt')}): no such file`);
    expect(issues[0]?.code).toBe('KS_ERR_SECRET_MISSING');
  });

  it('keeps $${X} as a literal ${X} without looking X up', async () => {
    dir = await writeConfig({
      'a.yaml': connection('tok', '    options: { retries: 1 }\nkpis:\n  - { id: a, name: "Price in $${CURRENCY} and $$5", category: x, formula: "1" }\n'),
    });
    const catalog = await loadCatalog(dir, { connectors: registry, env: {} });
    expect(catalog.kpis.get('a')?.name).toBe('Price in ${CURRENCY} and $$5');
  });

  it('rejects a malformed reference', async () => {
    dir = await writeConfig({ 'a.yaml': connection('${not valid}') });
    const { issues } = await loadIssues(dir);
    expect(issues[0]?.message).toBe('"${not valid}" is not a valid reference: use ${ENV_VAR}, ${file:path}, or $${...} for a literal');
  });

  it('does not interpolate keys, and keeps interpolated numbers as strings', async () => {
    dir = await writeConfig({ 'a.yaml': 'settings:\n  concurrency: ${N}\n' });
    const { issues } = await loadIssues(dir, { N: '8' });
    expect(issues.map(formatIssue)).toEqual(['a.yaml:2:16 settings.concurrency: expected a number, got a string (value hidden)']);
  });
});

describe('secrets never reach messages (canary)', () => {
  const CANARY = 'canary-7f3a9c1e';

  it('hides interpolated values and secret() fields in every issue and in the error message', async () => {
    dir = await writeConfig({
      'a.yaml': [
        'settings:',
        '  concurrency: ${CANARY}',
        'connections:',
        '  - id: crm',
        '    type: fake',
        '    url: ${CANARY}',
        '    token: ${CANARY}',
        '    options: { password: 12345678, retries: "${CANARY}" }',
        '  - id: other',
        '    type: other',
        '    apiKey: inline-canary-7f3a9c1e-key',
        '    extra: 1',
        '  - id: ok',
        '    type: fake',
        '    url: https://ok.example.com',
        '    token: plain-token',
        'kpis:',
        '  - id: mrr',
        '    name: MRR',
        '    category: Growth',
        '    source: { connection: ok, query: { metric: "${CANARY}" } }',
        '  - { id: arr, name: ARR, category: Growth, formula: "1", interval: "${CANARY}" }',
        '',
      ].join('\n'),
      'b.yaml': 'connections:\n  - id: broken\n    type: fake\n    token: canary-7f3a9c1e-in-a-broken-file\n    url: [\n',
    });
    const { issues, error } = await loadIssues(dir, { CANARY });
    expect(issues.length).toBeGreaterThanOrEqual(6);
    for (const issue of issues) expect(formatIssue(issue)).not.toContain('canary');
    expect(error.message).not.toContain('canary');
    expect(issues.find((issue) => issue.path === 'connections[0].options.password')?.message).toBe('expected a string, got a number (value hidden)');
    expect(issues.find((issue) => issue.path === 'kpis[1].interval')?.message).toBe(
      'expected one of "day", "week", "month", "quarter", got a string (value hidden)',
    );
    expect(issues.find((issue) => issue.path === 'kpis[0].source.query.metric')?.message).toBe(
      'expected one of "ltv", "cac", "mrr", "churn", got a string (value hidden)',
    );
  });
});
