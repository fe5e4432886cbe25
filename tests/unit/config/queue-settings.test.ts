import { afterEach, describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/config/issue.ts';
import { loadCatalog } from '../../../src/config/load.ts';
import { queueSettingsFor } from '../../../src/schedule/queue/queue-settings.ts';
import { registry } from '../../fixtures/config/fake-connector.ts';
import { loadIssues } from '../../fixtures/config/load-issues.ts';
import { removeConfig, writeConfig } from '../../fixtures/config/temp-config.ts';

let dir = '';
afterEach(async () => {
  await removeConfig(dir);
});

const CONNECTIONS = `connections:
  - { id: crm, type: fake, url: https://crm.example.com, token: tok }
  - { id: jira_cloud, type: fake, url: https://jira.example.com, token: tok }
`;

async function settingsOf(settingsYaml: string) {
  dir = await writeConfig({ 'connections.yaml': CONNECTIONS, 'settings.yaml': settingsYaml });
  return queueSettingsFor(await loadCatalog(dir, { connectors: registry }));
}

describe('settings.queue', () => {
  it('defaults: settings.concurrency, 5 attempts from 5 s, and four syncs at once per connection', async () => {
    const settings = await settingsOf('settings:\n  concurrency: 7\n');
    expect(settings).toMatchObject({ concurrency: 7, attempts: 5, backoffMs: 5_000, lockDurationMs: 30_000, stalledIntervalMs: 30_000 });
    expect(settings.limitsFor('crm')).toEqual({ maxConcurrent: 4 });
  });

  it('reads concurrency, retries and per-connection caps; a listed connection replaces the default', async () => {
    const settings = await settingsOf(`settings:
  concurrency: 2
  queue:
    concurrency: 16
    attempts: 3
    backoffMs: 1000
    connections:
      default: { maxConcurrent: 8 }
      jira_cloud: { maxConcurrent: 2, ratePerMinute: 120 }
`);
    expect(settings).toMatchObject({ concurrency: 16, attempts: 3, backoffMs: 1_000 });
    expect(settings.limitsFor('jira_cloud')).toEqual({ maxConcurrent: 2, ratePerMinute: 120 });
    expect(settings.limitsFor('crm')).toEqual({ maxConcurrent: 8 });
  });

  it('without a default, connections not listed are not capped', async () => {
    const settings = await settingsOf('settings:\n  queue:\n    connections:\n      crm: { maxConcurrent: 1 }\n');
    expect(settings.limitsFor('crm')).toEqual({ maxConcurrent: 1 });
    expect(settings.limitsFor('jira_cloud')).toEqual({});
  });

  it('rejects a key that names no connection: a typo would silently lift a cap', async () => {
    dir = await writeConfig({
      'connections.yaml': CONNECTIONS,
      'settings.yaml': 'settings:\n  queue:\n    connections:\n      jira_clod: { maxConcurrent: 2 }\n',
    });
    const { issues } = await loadIssues(dir);
    expect(issues.map(formatIssue)).toEqual([
      'settings.yaml:4:7 settings.queue.connections.jira_clod: unknown connection "jira_clod"; use a connection id or "default"; did you mean "jira_cloud"?',
    ]);
  });

  it('reports bad values and unknown keys at their lines, all at once', async () => {
    dir = await writeConfig({
      'connections.yaml': CONNECTIONS,
      'settings.yaml': 'settings:\n  queue:\n    attempts: 0\n    connections:\n      crm: { maxConcurent: 2 }\n',
    });
    const { issues } = await loadIssues(dir);
    expect(issues.map(formatIssue)).toEqual([
      'settings.yaml:3:15 settings.queue.attempts: expected 1 or more, got 0',
      'settings.yaml:5:14 settings.queue.connections.crm.maxConcurent: unknown key "maxConcurent"; did you mean "maxConcurrent"?',
    ]);
  });
});
