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

describe('settings.retention', () => {
  it('defaults: runs and delivered entries for 30 days, a run left running is interrupted after an hour', async () => {
    dir = await writeConfig({ 'settings.yaml': 'settings:\n  concurrency: 2\n' });
    expect((await loadCatalog(dir, { connectors: registry })).settings.retention).toEqual({ runs: '30d', delivered: '30d', abandonAfter: '1h' });
  });

  it('fills the keys left out with their defaults', async () => {
    dir = await writeConfig({ 'settings.yaml': 'settings:\n  retention:\n    runs: 1w\n' });
    expect((await loadCatalog(dir, { connectors: registry })).settings.retention).toEqual({ runs: '1w', delivered: '30d', abandonAfter: '1h' });
  });

  it('reports bad durations and windows too short to be safe at their lines', async () => {
    dir = await writeConfig({ 'settings.yaml': 'settings:\n  retention:\n    runs: 30 days\n    delivered: 0d\n    abandonAfter: 5m\n' });
    const { issues } = await loadIssues(dir);
    expect(issues.map(formatIssue)).toEqual([
      expect.stringMatching(/^settings\.yaml:3:11 settings\.retention\.runs: .*a duration such as "90m"/),
      expect.stringMatching(/^settings\.yaml:4:16 settings\.retention\.delivered: at least "1h"/),
      expect.stringMatching(
        /^settings\.yaml:5:19 settings\.retention\.abandonAfter: at least "10m": shorter would mark syncs that are still running as interrupted/,
      ),
    ]);
  });
});
