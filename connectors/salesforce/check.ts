import { ConfigError, PermissionError, QueryError, z, type CheckContext, type CheckResult } from '../../src/sdk/index.ts';
import { usageText } from './budget.ts';
import { SalesforceClient } from './client.ts';
import { ApiDisabledError } from './errors.ts';
import type { SalesforceConnection } from './schema.ts';
import { sharedState } from './state.ts';

const versionsSchema = z.array(z.object({ version: z.string(), label: z.string().optional(), url: z.string().optional() }));
const identitySchema = z.object({ username: z.string().optional(), display_name: z.string().optional() }).loose();
const limitsSchema = z.object({ DailyApiRequests: z.object({ Max: z.number(), Remaining: z.number() }).optional() }).loose();

/**
 * Proves the connection works, at the cost of one counted API call:
 * 1. a token for the configured flow, requested even when a run left a session in the
 *    connection state, so the credentials themselves are proven (AuthError / ConfigError
 *    say what is wrong); a rotated refresh token and the new session are shared as in a run;
 * 2. GET /services/data, the versions the instance serves (not counted): the pinned
 *    apiVersion must be one of them (ConfigError naming the newest otherwise);
 * 3. the identity URL: who we are authenticated as (skipped quietly if the token's
 *    scopes do not include it);
 * 4. GET /services/data/vXX.X/limits: the API is open to this user (PermissionError when
 *    API_DISABLED_FOR_ORG / API_CURRENTLY_DISABLED) and the org's daily usage.
 */
export async function checkConnection(connection: SalesforceConnection, ctx: CheckContext): Promise<CheckResult> {
  const client = new SalesforceClient(connection, {
    http: ctx.http,
    logger: ctx.logger,
    baseDir: ctx.baseDir,
    state: sharedState(ctx.connectionState),
    freshLogin: true,
  });
  const session = await client.session();

  const versions = versionsSchema.safeParse((await client.get<unknown>('/services/data')).data);
  const offered = versions.success ? versions.data.map((v) => v.version).sort((a, b) => Number(a) - Number(b)) : [];
  const newest = offered.at(-1);
  if (offered.length > 0 && !offered.includes(connection.apiVersion)) {
    throw new ConfigError(
      `apiVersion ${connection.apiVersion} is not offered by ${new URL(session.instanceUrl).host}; it serves ${offered[0]}–${newest}: set apiVersion: "${newest}"`,
    );
  }

  let who = `user ${session.userId}`;
  try {
    const identity = identitySchema.parse((await client.get<unknown>(session.identityPath, { base: 'login' })).data);
    if (identity.username) who = identity.username;
  } catch (error) {
    // The identity URL needs the `id` scope; without it the user id above is the answer.
    if (!(error instanceof PermissionError || error instanceof QueryError || error instanceof z.ZodError)) throw error;
  }

  let allowance: string | undefined;
  try {
    const limits = limitsSchema.parse((await client.get<unknown>(`/services/data/v${connection.apiVersion}/limits`, { versioned: true })).data);
    const daily = limits.DailyApiRequests;
    if (daily && daily.Max > 0) allowance = `${daily.Max - daily.Remaining}/${daily.Max}`;
  } catch (error) {
    // /limits also needs "View Setup and Configuration"; lacking it does not stop queries.
    if (!(error instanceof PermissionError) || error instanceof ApiDisabledError) throw error;
  }

  const usage = usageText(client.usage) ?? allowance ?? 'unknown (the user cannot read /limits)';
  const version = `API v${connection.apiVersion}${newest && newest !== connection.apiVersion ? ` (newest offered: ${newest})` : ''}`;
  return {
    detail: `authenticated as ${who} (org ${session.orgId}, ${connection.auth.flow} flow); ${version}; API usage ${usage}, budget ${connection.apiBudget.maxPercent}%`,
  };
}
