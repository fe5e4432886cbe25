import { describe, expect, it } from 'vitest';
import jira from '../../../connectors/jira/index.ts';
import { connectionSchema as authModes } from '../../../connectors/jira/schema.ts';
import { isSecretSchema } from '../../../src/sdk/secret.ts';
import type { z } from '../../../src/sdk/index.ts';

const { connectionSchema, querySchema } = jira;

function messages(result: { success: boolean; error?: z.ZodError }): string[] {
  return (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('jira connectionSchema', () => {
  it('accepts Cloud with an API token, defaults deployment to cloud and drops the trailing slash', () => {
    const parsed = connectionSchema.parse({ baseUrl: 'https://acme.atlassian.net/', auth: { type: 'api-token', email: 'a@b.co', apiToken: 'tok' } });
    expect(parsed.deployment).toBe('cloud');
    expect(parsed.baseUrl).toBe('https://acme.atlassian.net');
  });

  it('accepts OAuth 2.0 through the API gateway and Data Center with a PAT or a password', () => {
    expect(connectionSchema.safeParse({ baseUrl: 'https://api.atlassian.com/ex/jira/11223344-a1b2', auth: { type: 'oauth2', accessToken: 'x' } }).success).toBe(
      true,
    );
    expect(connectionSchema.safeParse({ baseUrl: 'https://jira.acme.com', deployment: 'datacenter', auth: { type: 'pat', token: 'x' } }).success).toBe(true);
    expect(
      connectionSchema.safeParse({ baseUrl: 'https://jira.acme.com/jira', deployment: 'datacenter', auth: { type: 'basic', username: 'bot', password: 'x' } })
        .success,
    ).toBe(true);
  });

  it('rejects an auth mode the deployment does not take, naming both fixes', () => {
    const dcOnCloud = connectionSchema.safeParse({ baseUrl: 'https://acme.atlassian.net', auth: { type: 'pat', token: 'x' } });
    expect(messages(dcOnCloud)).toEqual([expect.stringMatching(/^auth\.type: .*"pat" is for Jira Data Center.*set deployment: datacenter/)]);
    const cloudOnDc = connectionSchema.safeParse({
      baseUrl: 'https://jira.acme.com',
      deployment: 'datacenter',
      auth: { type: 'api-token', email: 'a@b.co', apiToken: 'x' },
    });
    expect(messages(cloudOnDc)).toEqual([expect.stringMatching(/"api-token" is for Jira Cloud/)]);
  });

  it('rejects OAuth 2.0 on the site URL, where Atlassian refuses bearer tokens', () => {
    const result = connectionSchema.safeParse({ baseUrl: 'https://acme.atlassian.net', auth: { type: 'oauth2', accessToken: 'x' } });
    expect(messages(result)).toEqual([expect.stringContaining('baseUrl: OAuth 2.0 tokens are not accepted on the site URL')]);
  });

  it('takes plain http only on loopback', () => {
    const auth = { type: 'api-token', email: 'a@b.co', apiToken: 'x' };
    expect(connectionSchema.safeParse({ baseUrl: 'http://127.0.0.1:8080', auth }).success).toBe(true);
    expect(messages(connectionSchema.safeParse({ baseUrl: 'http://jira.acme.com', auth }))).toEqual([
      expect.stringContaining('plain http is only allowed for loopback hosts'),
    ]);
  });

  it('rejects unknown keys, a bad time zone and a missing credential', () => {
    const base = { baseUrl: 'https://acme.atlassian.net', auth: { type: 'api-token', email: 'a@b.co', apiToken: 'x' } };
    expect(messages(connectionSchema.safeParse({ ...base, tokn: 'x' }))).toEqual([expect.stringContaining('tokn')]);
    expect(messages(connectionSchema.safeParse({ ...base, jqlTimeZone: 'Mars/Olympus' }))).toEqual([expect.stringMatching(/^jqlTimeZone: an IANA time zone/)]);
    expect(connectionSchema.safeParse({ ...base, auth: { type: 'api-token', email: 'a@b.co', apiToken: '' } }).success).toBe(false);
  });

  it('marks every credential field as a secret', () => {
    const secretKeys = authModes.shape.auth.options.flatMap((option) =>
      Object.entries(option.shape)
        .filter(([, schema]) => isSecretSchema(schema as z.ZodType))
        .map(([key]) => key),
    );
    expect(secretKeys.sort()).toEqual(['accessToken', 'apiToken', 'password', 'token']);
  });
});

describe('jira querySchema', () => {
  it('parses a count (exact defaults to false), a sum and an avg', () => {
    expect(querySchema.parse({ metric: 'count', jql: 'project = KPI' })).toEqual({ metric: 'count', jql: 'project = KPI', exact: false });
    expect(querySchema.parse({ metric: 'sum', jql: 'project = KPI', field: 'Story Points' })).toMatchObject({ field: 'Story Points' });
    expect(querySchema.safeParse({ metric: 'avg', jql: 'project = KPI', field: 'customfield_10016' }).success).toBe(true);
  });

  it('rejects a sum without a field, exact on a sum, and an unknown metric', () => {
    expect(querySchema.safeParse({ metric: 'sum', jql: 'project = KPI' }).success).toBe(false);
    expect(querySchema.safeParse({ metric: 'sum', jql: 'project = KPI', field: 'x', exact: true }).success).toBe(false);
    expect(querySchema.safeParse({ metric: 'median', jql: 'project = KPI' }).success).toBe(false);
  });
});
