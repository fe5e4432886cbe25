import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConnectorRegistry } from '../../../src/app/connector-registry.ts';
import { ConfigValidationError, formatIssue } from '../../../src/config/catalog.ts';
import { loadCatalog } from '../../../src/config/load.ts';
import { REPO, tempDir } from '../../helpers/cli.ts';

async function issuesOf(yaml: string): Promise<string[]> {
  const dir = tempDir('kpi-sync-registry-');
  writeFileSync(path.join(dir, 'a.yaml'), yaml);
  const error = await loadCatalog(dir, { connectors: createConnectorRegistry(REPO), env: {} }).catch((e: unknown) => e);
  if (!(error instanceof ConfigValidationError)) throw new Error('the config loaded');
  return error.issues.map(formatIssue);
}

describe('connector registry (built-ins and settings.connectors)', () => {
  it('suggests the built-in a misspelled type meant', async () => {
    expect(await issuesOf('connections:\n  - { id: crm, type: salesfroce }\n')).toEqual([
      expect.stringMatching(
        /a\.yaml:2:\d+ connections\[0\]\.type: unknown connector type "salesfroce" \(did you mean "salesforce"\?\); known types: csv, salesforce, jira, intercom/,
      ),
    ]);
  });

  it('never imports an npm package the config does not list, even an installed one', async () => {
    // luxon is installed (a dependency of kpi-sync): naming it as a type must not load it.
    expect(await issuesOf('connections:\n  - { id: dates, type: luxon }\n')).toEqual([
      expect.stringMatching(/unknown connector type "luxon".*must be installed and listed in settings\.connectors/),
    ]);
  });

  it('suggests a listed package for a misspelled type', async () => {
    expect(await issuesOf('settings:\n  connectors: [kpi-sync-acme]\nconnections:\n  - { id: acme, type: kpi-sync-acm }\n')).toEqual([
      expect.stringMatching(/unknown connector type "kpi-sync-acm" \(did you mean "kpi-sync-acme"\?\)/),
    ]);
  });

  it('names a listed package that exports no connector, and what is missing', async () => {
    expect(await issuesOf('settings:\n  connectors: [luxon]\nconnections:\n  - { id: dates, type: luxon }\n')).toEqual([
      expect.stringMatching(
        /cannot load connector "luxon": package "luxon" exports no valid connector: its default export lacks `type` \(a string\), `description` \(a string\), `connectionSchema` \(a zod schema\), `querySchema` \(a zod schema\), `check` \(a function\), `fetch` \(a function\)$/,
      ),
    ]);
  });

  it('says how to install a listed package that is not installed', async () => {
    expect(await issuesOf('settings:\n  connectors: [kpi-sync-nowhere]\nconnections:\n  - { id: x, type: kpi-sync-nowhere }\n')).toEqual([
      expect.stringMatching(
        /package "kpi-sync-nowhere" is listed in settings\.connectors but is not installed; run `npm install kpi-sync-nowhere` next to the config folder/,
      ),
    ]);
  });
});
