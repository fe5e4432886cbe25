import nock from 'nock';
import { describe, expect, it } from 'vitest';
import jira from '../../../connectors/jira/index.ts';
import { AuthError, ConfigError, PermissionError, TransientError } from '../../../src/sdk/index.ts';
import { CLOUD, DC, PAT, closedLoopbackUrl, cloudConnection, dcConnection, fixture, makeCheckContext, rejection } from '../../helpers/jira-context.ts';

describe('jira check', () => {
  it('on Cloud: says who we are, which Jira and API version, and the JQL time zone', async () => {
    const scope = nock(CLOUD)
      .get('/rest/api/3/myself')
      .reply(200, fixture('myself.cloud.json'))
      .get('/rest/api/3/serverInfo')
      .reply(200, fixture('server-info.cloud.json'))
      .get('/rest/api/3/mypermissions')
      .query({ permissions: 'BROWSE_PROJECTS' })
      .reply(200, fixture('mypermissions.browse.json'));
    const connection = cloudConnection({ jqlTimeZone: undefined });
    const { ctx } = makeCheckContext(connection);
    const result = await jira.check(connection, ctx);
    expect(result.detail).toBe(
      'authenticated as Mia Krystof <mia@example.com>; Jira Cloud "My Jira instance" 1001.0.0-SNAPSHOT; REST API v3; JQL dates in Australia/Sydney',
    );
    expect(scope.isDone()).toBe(true);
  });

  it('on Data Center with a PAT: uses REST API v2 and reports the configured JQL zone', async () => {
    const scope = nock(DC, { reqheaders: { authorization: `Bearer ${PAT}` } })
      .get('/rest/api/2/myself')
      .reply(200, fixture('myself.datacenter.json'))
      .get('/rest/api/2/serverInfo')
      .reply(200, fixture('server-info.datacenter.json'))
      .get('/rest/api/2/mypermissions')
      .query(true)
      .reply(200, fixture('mypermissions.browse.json'));
    const { ctx } = makeCheckContext(dcConnection());
    const result = await jira.check(dcConnection(), ctx);
    expect(result.detail).toBe(
      'authenticated as KPI Bot <kpi-bot@example.com>; Jira Data Center "Example Jira" 9.12.15; REST API v2; JQL dates in Europe/Berlin',
    );
    expect(scope.isDone()).toBe(true);
  });

  it('bad credentials → AuthError from the first request', async () => {
    nock(CLOUD).get('/rest/api/3/myself').reply(401, fixture('error.oauth-expired.json'));
    const { ctx } = makeCheckContext(cloudConnection());
    const err = await rejection(jira.check(cloudConnection(), ctx));
    expect(err).toBeInstanceOf(AuthError);
  });

  it('an account that may browse no project → PermissionError', async () => {
    nock(CLOUD)
      .get('/rest/api/3/myself')
      .reply(200, fixture('myself.cloud.json'))
      .get('/rest/api/3/serverInfo')
      .reply(200, fixture('server-info.cloud.json'))
      .get('/rest/api/3/mypermissions')
      .query(true)
      .reply(200, fixture('mypermissions.no-browse.json'));
    const { ctx } = makeCheckContext(cloudConnection());
    const err = (await rejection(jira.check(cloudConnection(), ctx))) as Error;
    expect(err).toBeInstanceOf(PermissionError);
    expect(err.message).toMatch(/Mia Krystof .* may not browse any Jira project \(BROWSE_PROJECTS\)/);
  });

  it('a Cloud connection pointed at Data Center → ConfigError (REST API v3 is missing there)', async () => {
    nock(DC).get('/rest/api/3/myself').reply(404, '');
    const connection = cloudConnection({ baseUrl: DC });
    const { ctx } = makeCheckContext(connection);
    const err = (await rejection(jira.check(connection, ctx))) as Error;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/GET \/rest\/api\/3\/myself → 404 Not Found: no Jira Cloud REST API v3.*deployment: datacenter/);
  });

  it('a Data Center connection pointed at Cloud → ConfigError saying to set deployment: cloud', async () => {
    nock(CLOUD).get('/rest/api/2/myself').reply(200, fixture('myself.cloud.json')).get('/rest/api/2/serverInfo').reply(200, fixture('server-info.cloud.json'));
    const connection = dcConnection({ baseUrl: CLOUD });
    const { ctx } = makeCheckContext(connection);
    const err = (await rejection(jira.check(connection, ctx))) as Error;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/is Jira Cloud: set deployment: cloud/);
  });

  it('a Cloud connection whose server says DataCenter → ConfigError', async () => {
    nock(CLOUD)
      .get('/rest/api/3/myself')
      .reply(200, fixture('myself.cloud.json'))
      .get('/rest/api/3/serverInfo')
      .reply(200, fixture('server-info.datacenter.json'));
    const { ctx } = makeCheckContext(cloudConnection());
    const err = (await rejection(jira.check(cloudConnection(), ctx))) as Error;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/is Jira Data Center 9\.12\.15, not Jira Cloud/);
  });

  it('an unreachable host → TransientError KS_ERR_NETWORK', async () => {
    const connection = cloudConnection({ baseUrl: await closedLoopbackUrl() });
    const { ctx } = makeCheckContext(connection);
    const err = (await rejection(jira.check(connection, ctx))) as TransientError;
    expect(err).toBeInstanceOf(TransientError);
    expect(err.code).toBe('KS_ERR_NETWORK');
    expect(err.message).toMatch(/connection refused \(ECONNREFUSED\)/);
  });
});
