import nock from 'nock';
import { describe, expect, it } from 'vitest';
import jira from '../../../connectors/jira/index.ts';
import { authorizationHeader } from '../../../connectors/jira/auth.ts';
import type { JiraConnection } from '../../../connectors/jira/schema.ts';
import { AuthError } from '../../../src/sdk/index.ts';
import {
  ACCESS_TOKEN,
  API_TOKEN,
  CLOUD,
  DC,
  EMAIL,
  PASSWORD,
  PAT,
  cloudConnection,
  dcConnection,
  makeCheckContext,
  makeContext,
  rejection,
} from '../../helpers/jira-context.ts';

const GATEWAY = 'https://api.atlassian.com/ex/jira/11223344-a1b2';

const modes: Array<{ name: string; connection: JiraConnection; secrets: string[] }> = [
  {
    name: 'api-token',
    connection: cloudConnection(),
    secrets: [API_TOKEN, Buffer.from(`${EMAIL}:${API_TOKEN}`).toString('base64')],
  },
  { name: 'oauth2', connection: cloudConnection({ baseUrl: GATEWAY, auth: { type: 'oauth2', accessToken: ACCESS_TOKEN } }), secrets: [ACCESS_TOKEN] },
  { name: 'pat', connection: dcConnection(), secrets: [PAT] },
  {
    name: 'basic',
    connection: dcConnection({ auth: { type: 'basic', username: 'kpi-bot', password: PASSWORD } }),
    secrets: [PASSWORD, Buffer.from(`kpi-bot:${PASSWORD}`).toString('base64')],
  },
];

/** A hostile 401 that echoes the request's Authorization header and its decoded credentials. */
function echoing401(connection: JiraConnection): string {
  const auth = authorizationHeader(connection.auth);
  const decoded = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : auth.slice(7);
  return JSON.stringify({ errorMessages: [`Rejected ${auth}`, `credentials were ${decoded}`], errors: {} });
}

function everythingSaid(err: unknown, logs: string[]): string {
  const e = err as Error & { cause?: unknown };
  return [e.message, String(e), JSON.stringify(e), JSON.stringify(e.cause), e.stack ?? '', ...logs].join('\n');
}

describe('jira keeps credentials out of errors and logs when auth fails', () => {
  for (const { name, connection, secrets } of modes) {
    it(`${name}: fetch and check`, async () => {
      const host = connection.deployment === 'cloud' ? (connection.auth.type === 'oauth2' ? 'https://api.atlassian.com' : CLOUD) : DC;
      const body = echoing401(connection);
      nock(host).post(/.*/).reply(401, body).get(/.*/).reply(401, body);

      const run = makeContext(connection);
      const fetchErr = await rejection(jira.fetch(connection, { metric: 'count', jql: 'project = KPI', exact: false }, run.ctx));
      run.ctx.logger.error({ err: fetchErr }, 'sync failed');
      const check = makeCheckContext(connection);
      const checkErr = await rejection(jira.check(connection, check.ctx));
      check.ctx.logger.error({ err: checkErr }, 'check failed');

      for (const err of [fetchErr, checkErr]) {
        expect(err).toBeInstanceOf(AuthError);
        const said = everythingSaid(err, [...run.recorded.logs, ...check.recorded.logs]);
        expect(said).toContain('401');
        for (const secret of secrets) expect(said).not.toContain(secret);
      }
    });
  }
});
