import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import connector from '../../../connectors/salesforce/index.ts';
import { loadCatalog } from '../../../src/config/load.ts';

const README = path.resolve(import.meta.dirname, '../../../connectors/salesforce/README.md');

describe('salesforce README', () => {
  it('its YAML example loads through the config loader, with its secrets resolved', async () => {
    const text = await readFile(README, 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(text)?.[1];
    expect(yaml).toBeDefined();
    const dir = await mkdtemp(path.join(tmpdir(), 'kpi-sync-sf-readme-'));
    try {
      await writeFile(path.join(dir, 'salesforce.yaml'), yaml ?? '');
      const registry = Object.assign(async (type: string) => (type === 'salesforce' ? connector : undefined), { known: ['salesforce'] });
      const catalog = await loadCatalog(dir, {
        connectors: registry,
        env: { SF_CLIENT_ID: '3MVG9-readme' },
        readFile: async (file) =>
          file === '/run/secrets/sf-jwt-key.pem' ? '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n' : readFile(file, 'utf8'),
      });
      const settings = catalog.connections.get('salesforce')?.settings as Record<string, unknown>;
      expect(settings).toMatchObject({ loginUrl: 'https://acme.my.salesforce.com', apiVersion: '66.0', apiBudget: { maxPercent: 20 } });
      expect([...catalog.kpis.keys()].sort()).toEqual(['new_leads', 'won_revenue']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
