import type { JiraAuth } from './schema.ts';

/**
 * The Authorization header for each auth mode. Jira Cloud takes an account email
 * plus API token as HTTP Basic and OAuth 2.0 access tokens as Bearer
 * (https://developer.atlassian.com/cloud/jira/platform/basic-auth-for-rest-apis/);
 * Data Center takes personal access tokens as Bearer and username/password as Basic
 * (https://confluence.atlassian.com/enterprise/using-personal-access-tokens-1026032365.html).
 */
export function authorizationHeader(auth: JiraAuth): string {
  switch (auth.type) {
    case 'api-token':
      return basic(auth.email, auth.apiToken);
    case 'basic':
      return basic(auth.username, auth.password);
    case 'oauth2':
      return `Bearer ${auth.accessToken}`;
    case 'pat':
      return `Bearer ${auth.token}`;
  }
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** What to do when Jira rejects these credentials: appended to every AuthError. */
export function authHint(auth: JiraAuth): string {
  switch (auth.type) {
    case 'api-token':
      return `check auth.email (${auth.email}) and auth.apiToken; API tokens expire and can be revoked at https://id.atlassian.com/manage-profile/security/api-tokens`;
    case 'oauth2':
      return 'the OAuth 2.0 access token is invalid or expired (Atlassian access tokens live one hour): supply a fresh one';
    case 'pat':
      return 'the personal access token is invalid, expired or revoked: create a new one under Profile → Personal Access Tokens';
    case 'basic':
      return `check auth.username (${auth.username}) and auth.password; after failed logins Jira may demand a CAPTCHA: log in once in a browser`;
  }
}
