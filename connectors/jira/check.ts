import { ConfigError, PermissionError, type CheckContext, type CheckResult } from '../../src/sdk/index.ts';
import { jiraApi } from './client.ts';
import type { JiraConnection } from './schema.ts';

const DEPLOYMENT_NAMES: Record<string, string> = { Cloud: 'Cloud', DataCenter: 'Data Center', Server: 'Server' };

/**
 * Verifies a connection with three small reads: who we are (`/myself`: bad
 * credentials → AuthError, no API at this URL → ConfigError), what we talk to
 * (`/serverInfo`: Cloud vs Data Center against `deployment`), and whether the
 * account may browse any project (`/mypermissions`: counts would silently be 0).
 */
export async function checkJira(connection: JiraConnection, ctx: CheckContext): Promise<CheckResult> {
  const api = jiraApi(connection, ctx.http, ctx.connectionState);
  const me = await api.myself();
  const info = await api.serverInfo();
  const kind = DEPLOYMENT_NAMES[info.deploymentType ?? ''] ?? info.deploymentType ?? (connection.deployment === 'cloud' ? 'Cloud' : 'Server');
  if (connection.deployment === 'cloud' && kind !== 'Cloud') {
    throw new ConfigError(`${connection.baseUrl} is Jira ${kind} ${info.version}, not Jira Cloud: set deployment: datacenter and use auth type pat or basic`);
  }
  if (connection.deployment === 'datacenter' && kind === 'Cloud') {
    throw new ConfigError(
      `${connection.baseUrl} is Jira Cloud: set deployment: cloud (Cloud removed /rest/api/2/search; counts use /rest/api/3/search/approximate-count)`,
    );
  }
  const browse = await api.canBrowse();
  if (browse === false) {
    throw new PermissionError(
      `${me.display} may not browse any Jira project (BROWSE_PROJECTS): every count would be 0; grant it through a project role or group`,
    );
  }
  const zone = connection.jqlTimeZone ?? me.timeZone ?? 'unknown (set jqlTimeZone)';
  const site = info.title ? ` "${info.title}"` : '';
  const apiVersion = connection.deployment === 'cloud' ? 'REST API v3' : 'REST API v2';
  return { detail: `authenticated as ${me.display}; Jira ${kind}${site} ${info.version}; ${apiVersion}; JQL dates in ${zone}` };
}
