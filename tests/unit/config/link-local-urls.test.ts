import { afterEach, describe, expect, it } from 'vitest';
import { loadBuiltInConnectors } from '../../../connectors/index.ts';
import { ConfigValidationError, formatIssue } from '../../../src/config/issue.ts';
import { loadCatalog } from '../../../src/config/load.ts';
import { pagerdutyDestinationSchema, slackDestinationSchema, webhookDestinationSchema } from '../../../src/notify/destinations/schemas.ts';
import { httpTargetSchema, okrTrackerTargetSchema } from '../../../src/notify/targets/target-schemas.ts';
import { WEBHOOK_SECRET } from '../../fixtures/notify/alert-events.ts';
import { removeConfig, writeConfig } from '../../fixtures/config/temp-config.ts';

const builtInConnectors = await loadBuiltInConnectors();

/** The built-in connectors (not the CLI's registry: the composition root is moving). */
const builtIns = Object.assign(async (type: string) => builtInConnectors.find((c) => c.type === type), { known: builtInConnectors.map((c) => c.type) });

let dir = '';
afterEach(async () => {
  await removeConfig(dir);
});

const HINT =
  'a link-local / cloud-metadata address (169.254.0.0/16, fe80::/10, fd00:ec2::254), where cloud credentials are served; requests there are refused unless this';

async function issuesOf(yaml: string): Promise<string[]> {
  dir = await writeConfig({ 'a.yaml': yaml });
  try {
    await loadCatalog(dir, { connectors: builtIns, env: {} });
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    return error.issues.map((issue) => formatIssue({ ...issue, file: 'a.yaml' }));
  }
  return [];
}

const csvAt = (url: string, extra = '') => `connections:\n  - id: imds\n    type: csv\n    url: ${url}\n${extra}`;
const jiraAt = (baseUrl: string, extra = '') =>
  `connections:\n  - id: jira\n    type: jira\n    baseUrl: ${baseUrl}\n    auth: { type: api-token, email: bot@acme.com, apiToken: tok }\n${extra}`;

describe('link-local and metadata URLs in the config', () => {
  it('a CSV `url` at 169.254.169.254 is a validation error at its line, naming the setting and the opt-in', async () => {
    expect(await issuesOf(csvAt('https://169.254.169.254/latest/meta-data/iam/security-credentials/'))).toEqual([
      `a.yaml:4:10 connections[0].url: \`url\` points at ${HINT} connection sets \`allowLinkLocal: true\``,
    ]);
  });

  it('a Jira `baseUrl` at 169.254.169.254 is a validation error', async () => {
    expect(await issuesOf(jiraAt('https://169.254.169.254/'))).toEqual([
      `a.yaml:4:14 connections[0].baseUrl: \`baseUrl\` points at ${HINT} connection sets \`allowLinkLocal: true\``,
    ]);
  });

  it('IPv6 link-local, the AWS IPv6 endpoint and mapped or numeric spellings are refused too', async () => {
    for (const url of [
      'https://[fe80::1]/x.csv',
      'https://[fd00:ec2::254]/',
      'https://[::ffff:169.254.169.254]/',
      'https://2852039166/',
      'http://169.254.169.254./',
    ]) {
      const issues = await issuesOf(csvAt(`"${url}"`));
      expect(
        issues.some((issue) => issue.includes('points at a link-local')),
        `${url}: ${issues.join('\n')}`,
      ).toBe(true);
      await removeConfig(dir);
    }
  });

  it("is reported beside the connection's other errors, not instead of them", async () => {
    const issues = await issuesOf(jiraAt('https://169.254.169.254/', '    timeoutMs: 5\n'));
    expect(issues).toHaveLength(2);
    expect(issues.join('\n')).toContain('connections[0].timeoutMs');
    expect(issues.join('\n')).toContain('connections[0].baseUrl: `baseUrl` points at a link-local');
  });

  it('loads when the connection sets allowLinkLocal: true, and the connector hands that to its HTTP client', async () => {
    expect(await issuesOf(csvAt('https://169.254.169.254/data.csv', '    allowLinkLocal: true\n'))).toEqual([]);
    const catalog = await loadCatalog(dir, { connectors: builtIns, env: {} });
    const connection = catalog.connections.get('imds')!;
    expect(connection.connector.http?.(connection.settings)).toMatchObject({ allowLinkLocal: true });
    await removeConfig(dir);
    expect(await issuesOf(jiraAt('https://169.254.169.254', '    allowLinkLocal: true\n'))).toEqual([]);
  });

  it('ordinary hosts, including names, are left to the request-time check', async () => {
    expect(await issuesOf(csvAt('https://metadata.google.internal/data.csv'))).toEqual([]);
    await removeConfig(dir);
    expect(await issuesOf(jiraAt('https://acme.atlassian.net'))).toEqual([]);
  });
});

describe('link-local URLs of alert destinations and push targets', () => {
  const messages = (result: { success: boolean; error?: { issues: { message: string; path: PropertyKey[] }[] } }) =>
    (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

  it('refuses them unless the destination or target sets allowLinkLocal: true', () => {
    const webhook = { kind: 'webhook', name: 'hook', url: 'https://169.254.169.254/hook', secret: WEBHOOK_SECRET };
    expect(messages(webhookDestinationSchema.safeParse(webhook))).toEqual([`url: \`url\` points at ${HINT} destination sets \`allowLinkLocal: true\``]);
    expect(webhookDestinationSchema.safeParse({ ...webhook, allowLinkLocal: true }).success).toBe(true);
    expect(messages(slackDestinationSchema.safeParse({ kind: 'slack', name: 's', url: 'https://[fe80::1]/services/T/B/x' }))).toHaveLength(1);
    expect(
      messages(pagerdutyDestinationSchema.safeParse({ kind: 'pagerduty', name: 'p', routingKey: 'k', url: 'https://169.254.1.1/v2/enqueue' })),
    ).toHaveLength(1);

    const target = { kind: 'http', name: 't', url: 'https://169.254.169.254/kr/{{kr.id}}', body: { v: '{{value}}' } };
    expect(messages(httpTargetSchema.safeParse(target))).toEqual([`url: \`url\` points at ${HINT} target sets \`allowLinkLocal: true\``]);
    expect(httpTargetSchema.safeParse({ ...target, allowLinkLocal: true }).success).toBe(true);
    expect(messages(okrTrackerTargetSchema.safeParse({ kind: 'okr-tracker', name: 'o', baseUrl: 'https://169.254.169.254', teamSecret: 'x' }))).toEqual([
      `baseUrl: \`baseUrl\` points at ${HINT} target sets \`allowLinkLocal: true\``,
    ]);
  });

  it('never quotes the URL, which may be the credential', () => {
    const result = slackDestinationSchema.safeParse({ kind: 'slack', name: 's', url: 'https://169.254.169.254/services/T0CANARY/B0CANARY/secretpath' });
    expect(JSON.stringify(result.error?.issues)).not.toMatch(/CANARY|secretpath|169\.254\.169\.254\//);
  });
});
