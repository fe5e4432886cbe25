import { describe, expect, it } from 'vitest';
import connector from '../../../connectors/salesforce/index.ts';
import { connectionSchema, DEFAULT_API_VERSION, querySchema } from '../../../connectors/salesforce/schema.ts';
import { collectSecrets } from '../../../src/config/schema-walk.ts';

const auth = { flow: 'refreshToken', clientId: '3MVG9-abc', refreshToken: 'rt-value-1234', clientSecret: 'cs-value-1234' };

/** Secret paths the loader finds (it walks every union branch, so a path can repeat). */
function secretPaths(value: unknown): string[] {
  return [...new Set(collectSecrets(connectionSchema, value).map((s) => s.path.join('.')))].sort();
}

function issues(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('salesforce connection schema', () => {
  it('fills the defaults: production login, a pinned current API version, a 90% budget, 30 s timeout', () => {
    const parsed = connectionSchema.parse({ auth });
    expect(parsed).toMatchObject({
      loginUrl: 'production',
      apiVersion: DEFAULT_API_VERSION,
      apiBudget: { maxPercent: 90, recheckAfterMinutes: 60 },
      timeoutSeconds: 30,
    });
    expect(Number(DEFAULT_API_VERSION)).toBeGreaterThanOrEqual(62);
    expect(connector.http?.(parsed)).toEqual({ timeoutMs: 30_000 });
  });

  it('accepts sandbox, a My Domain URL, and plain http only on loopback', () => {
    expect(connectionSchema.safeParse({ auth, loginUrl: 'sandbox' }).success).toBe(true);
    expect(connectionSchema.parse({ auth, loginUrl: 'https://acme.my.salesforce.com/' }).loginUrl).toBe('https://acme.my.salesforce.com');
    expect(connectionSchema.safeParse({ auth, loginUrl: 'http://127.0.0.1:8080', instanceUrl: 'http://localhost:8081' }).success).toBe(true);
    expect(issues(connectionSchema.safeParse({ auth, loginUrl: 'http://acme.my.salesforce.com' }))).toEqual([
      'loginUrl: expected production, sandbox or a login URL: plain http is only allowed for loopback hosts (127.0.0.0/8, localhost, ::1); use https',
    ]);
    expect(issues(connectionSchema.safeParse({ auth, loginUrl: 'prodution' }))).toEqual(['loginUrl: expected production, sandbox or a login URL: not a URL']);
  });

  it('rejects a version that is not NN.0, unknown keys, and an unknown flow', () => {
    expect(issues(connectionSchema.safeParse({ auth, apiVersion: 'v62' }))).toEqual([expect.stringContaining('apiVersion: an API version like "66.0"')]);
    expect(connectionSchema.safeParse({ auth, apiVersoin: '62.0' }).success).toBe(false);
    expect(connectionSchema.safeParse({ auth: { ...auth, flow: 'saml' } }).success).toBe(false);
  });

  it('requires a My Domain login URL for the client credentials flow', () => {
    const cc = { flow: 'clientCredentials', clientId: 'x', clientSecret: 'secret-value' };
    expect(issues(connectionSchema.safeParse({ auth: cc }))).toEqual([
      expect.stringMatching(/^loginUrl: the client credentials flow is refused by login\.salesforce\.com/),
    ]);
    expect(connectionSchema.safeParse({ auth: cc, loginUrl: 'https://acme.my.salesforce.com' }).success).toBe(true);
  });

  it('marks every credential secret so the config loader redacts it', () => {
    const parsed = connectionSchema.parse({ auth });
    expect(secretPaths(parsed)).toEqual(['auth.clientSecret', 'auth.refreshToken']);
    const jwt = connectionSchema.parse({ auth: { flow: 'jwt', clientId: 'x', username: 'u@x', privateKey: '-----BEGIN PRIVATE KEY-----' } });
    expect(secretPaths(jwt)).toEqual(['auth.privateKey']);
    const pw = connectionSchema.parse({
      auth: { flow: 'password', clientId: 'x', clientSecret: 'cs12', username: 'u@x', password: 'pw12', securityToken: 'st12' },
    });
    expect(secretPaths(pw)).toEqual(['auth.clientSecret', 'auth.password', 'auth.securityToken']);
  });
});

describe('salesforce query schema', () => {
  it('accepts an aggregate SOQL with window placeholders', () => {
    const parsed = querySchema.parse({ soql: 'SELECT SUM(Amount) total FROM Opportunity WHERE CloseDate >= {{window.startDate}}' });
    expect(parsed).toMatchObject({ includeDeleted: false, whenNull: 'zero', maxBackfillPeriods: 400 });
  });

  it('names a misspelt placeholder, a non-SELECT statement and a missing value field', () => {
    expect(issues(querySchema.safeParse({ soql: 'SELECT COUNT() FROM Lead WHERE CreatedDate >= {{window.strat}}' }))).toEqual([
      expect.stringContaining('soql: Unknown template variable {{window.strat}}'),
    ]);
    expect(issues(querySchema.safeParse({ soql: 'DELETE FROM Lead' }))).toEqual(['soql: expected a SOQL SELECT statement']);
    expect(issues(querySchema.safeParse({ soql: 'SELECT Amount FROM Opportunity', aggregate: 'sum' }))).toEqual([
      'value: aggregate "sum" needs the field to aggregate, e.g. value: Amount',
    ]);
    expect(querySchema.safeParse({ soql: 'SELECT Id FROM Opportunity', aggregate: 'count' }).success).toBe(true);
  });
});
