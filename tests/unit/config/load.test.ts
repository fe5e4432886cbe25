import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/config/load.ts';
import { fakeConnector, registry } from '../../fixtures/config/fake-connector.ts';
import { FIXTURES } from '../../fixtures/config/temp-config.ts';

const VALID = path.join(FIXTURES, 'valid');
const env = { FAKE_TOKEN: 'crm-token-from-env' };

describe('loadCatalog on a valid multi-file folder', () => {
  it('reads every yaml/yml file, sorted', async () => {
    const catalog = await loadCatalog(VALID, { connectors: registry, env });
    expect(catalog.dir).toBe(VALID);
    expect(catalog.files.map((file) => path.basename(file))).toEqual(['connections.yaml', 'kpis.yaml', 'objectives.yml']);
    expect(catalog.warnings).toEqual([]);
  });

  it('applies settings defaults on top of the one settings block', async () => {
    const catalog = await loadCatalog(VALID, { connectors: registry, env });
    expect(catalog.settings).toEqual({
      concurrency: 2,
      shutdownTimeout: 30_000,
      runOnStart: true,
      server: { enabled: true, host: '127.0.0.1', port: 8787 },
      retention: { runs: '30d', delivered: '30d', abandonAfter: '1h' },
    });
  });

  it('loads connections with their connector, parsed settings and base folder', async () => {
    const catalog = await loadCatalog(VALID, { connectors: registry, env });
    const billing = catalog.connections.get('billing');
    expect(billing?.connector).toBe(fakeConnector);
    expect(billing?.type).toBe('fake');
    expect(billing?.file).toBe(path.join(VALID, 'connections.yaml'));
    expect(billing?.baseDir).toBe(path.resolve(VALID));
    expect(billing?.settings).toEqual({
      url: 'https://billing.example.com',
      token: 'billing-token-from-file',
      options: { password: 'inline-password-value' },
    });
    expect(catalog.connections.get('crm')?.settings).toEqual({ url: 'https://crm.example.com', token: 'crm-token-from-env' });
  });

  it('loads KPIs with defaults, parsed queries and formula inputs', async () => {
    const catalog = await loadCatalog(VALID, { connectors: registry, env });
    expect([...catalog.kpis.keys()]).toEqual(['ltv', 'cac', 'ltv_cac_pct', 'ltv_cac']);
    const cac = catalog.kpis.get('cac');
    expect(cac?.timezone).toBe('UTC');
    expect(cac?.interval).toBe('month');
    expect(cac?.query).toEqual({ metric: 'cac', note: 'costs in ${CURRENCY}' });
    expect(cac?.file).toBe(path.join(VALID, 'kpis.yaml'));
    const ratio = catalog.kpis.get('ltv_cac');
    expect(ratio?.inputs).toEqual(['ltv', 'cac']);
    expect(ratio?.formulaAst).toBeDefined();
    expect(ratio?.interval).toBe('day');
  });

  it('orders formulas so that inputs come first', async () => {
    const catalog = await loadCatalog(VALID, { connectors: registry, env });
    expect(catalog.formulaOrder).toEqual(['ltv_cac', 'ltv_cac_pct']);
  });

  it('indexes objectives and their KRs, defaults applied', async () => {
    const catalog = await loadCatalog(VALID, { connectors: registry, env });
    expect(catalog.objectives.map((objective) => objective.id)).toEqual(['efficient-growth']);
    expect(catalog.krs.get('kr-ltv-cac')?.kr.kind).toBe('committed');
    expect(catalog.krs.get('kr-cac-down')?.kr.kind).toBe('aspirational');
    expect(catalog.krs.get('kr-cac-down')?.objective.id).toBe('efficient-growth');
  });

  it('collects every interpolated and secret() value for redaction', async () => {
    const catalog = await loadCatalog(VALID, { connectors: registry, env });
    expect([...catalog.secrets].sort()).toEqual(['billing-token-from-file', 'crm-token-from-env', 'inline-password-value']);
  });

  it('reads files through the injected readFile when given', async () => {
    const read: string[] = [];
    const { readFile } = await import('node:fs/promises');
    await loadCatalog(VALID, {
      connectors: registry,
      env,
      readFile: async (file) => {
        read.push(path.relative(VALID, file));
        return readFile(file, 'utf8');
      },
    });
    expect(read.sort()).toEqual(['connections.yaml', 'kpis.yaml', 'objectives.yml', path.join('secrets', 'billing-token.txt')].sort());
  });
});
